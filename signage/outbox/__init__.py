"""Notifications to dashboard users, written in the transaction of what caused them and sent by a drainer
that claims rows with a lease: none goes out twice across restarts or concurrent senders."""
