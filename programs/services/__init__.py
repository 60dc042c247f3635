"""Every write in the programs app goes through these functions: where money moves, nothing writes around them."""
