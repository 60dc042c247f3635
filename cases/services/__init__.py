"""Every write in the cases app that spans rows or carries a rule goes through these functions."""
