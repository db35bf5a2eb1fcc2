"""Work too large for one request, done in batches by `flask housekeeping`: each batch commits whole."""
