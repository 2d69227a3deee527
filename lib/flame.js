// placeholder
function init(evt) {}
