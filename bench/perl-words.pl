# SPDX-License-Identifier: GPL-2.0-or-later
# perl-words ROUNDS: a real program as a workload (the suite's stand-in
# for cfrac and espresso, which Debian and Fedora do not package): perl
# allocates every string, array and hash through malloc.  Each round makes
# 20,000 pseudo-random words (a fixed generator, so the output is the same
# under every allocator), counts them in a hash, sorts them by count and
# name, builds and splits lines of them, and drops most of the hash.  It
# prints a checksum of everything it built; the suite checks it is the
# same as under glibc.
use strict;
use warnings;

my $rounds = shift // '';
die "usage: perl-words.pl ROUNDS\n" unless $rounds =~ /^[1-9][0-9]*$/ && !@ARGV;
my $seed = 12345;
sub rnd { $seed = ($seed * 1103515245 + 12345) % 2147483648; return $seed >> 8; }
my @letters = ('a' .. 'z');
my %count;
my $sum = 0;
for my $r (1 .. $rounds) {
	my @words;
	for (1 .. 20000) {
		my $len = 2 + rnd() % 9;
		push @words, join('', map { $letters[rnd() % 26] } 1 .. $len);
	}
	$count{$_}++ for @words;
	my @top = (sort { $count{$b} <=> $count{$a} || $a cmp $b } keys %count)[0 .. 99];
	my @lines;
	push @lines, join(' ', @words[$_ * 20 .. $_ * 20 + 19]) for 0 .. 999;
	my @split = map { [ split / /, $_ ] } @lines;
	$sum = ($sum + unpack('%32C*', join(',', @top)) + scalar(@split) + length($lines[rnd() % 1000])) % 4294967296;
	for my $w (sort keys %count) {
		delete $count{$w} if $count{$w} < 2 && rnd() % 4;
	}
}
printf "Checksum = %u words=%u\n", $sum, scalar(keys %count);
