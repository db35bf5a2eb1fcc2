"""Rights requests and sign reports from the public notice: filed without an account, followed by a reference
code, answered by the operator within the law's time."""
