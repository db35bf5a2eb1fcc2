"""Public notices: the second layer behind every sign's QR code."""
