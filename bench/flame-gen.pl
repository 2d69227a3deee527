#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-or-later
# flame-gen.pl STACKS SEED: a folded profile of STACKS distinct stacks,
# about 660 bytes each (for 1,000,000 stacks, some 660 MB), for the
# pfflame and pfdiff benchmarks.  The stacks form a tree as real profiles
# do: a common trunk, then fourteen levels where stacks that share the high
# bits of their number share frames, then a tail of their own.  The same
# STACKS and SEED always give the same file; another SEED changes the
# counts and a tenth of the tails, as a second run of a program would.
use strict;
use warnings;

my ($n, $seed) = @ARGV;
$n //= 1000000;
$seed //= 1;

my @pool = map { sprintf "mod%02d::function_num_%05d", $_ % 97, $_ } 0 .. 4999;
my @trunk = ("start_thread", "app_main", "event_loop::run", "dispatcher::handle",
	     "request_handler::process");
my $bits = 20;
my $levels = 14;
my $state = 12345;

# A small LCG, so the file does not depend on perl's rand.
sub rnd {
	$state = ($state * 1103515245 + 12345) % 2147483648;
	return $state;
}

for my $i (0 .. $n - 1) {
	my @f = @trunk;
	for my $k (1 .. $levels) {
		my $prefix = $i >> ($bits - $k);
		push @f, $pool[($prefix * 2654435761 + $k * 40503) % 4999];
	}
	$state = $i * 7 + 1;
	my $tail = 6 + rnd() % 6;
	my $salt = (rnd() % 10 == 0) ? $seed : 1;
	for my $k (1 .. $tail) {
		push @f, $pool[(rnd() + $salt * 7919) % 5000];
	}
	$state = $i * 13 + $seed;
	print join(";", @f), " ", 1 + rnd() % 1000, "\n";
}
