"""gunicorn settings for `make run` and production: rate limits must be counted once for all workers.

Sign-in limits live in Flask-Limiter's store. With the default in-memory store every worker process
would count on its own (a guesser would get 5 tries per worker), so without a shared store signage
runs ONE worker process with threads, which share the one in-memory store. Name a shared store
(SIGNAGE_RATELIMIT_STORAGE_URI=redis://host:6379/0) to run several worker processes.
"""
import multiprocessing
import os

shared_limits = bool(os.environ.get("SIGNAGE_RATELIMIT_STORAGE_URI", "").strip()) and \
    not os.environ["SIGNAGE_RATELIMIT_STORAGE_URI"].startswith("memory://")

worker_class = "gthread"
threads = int(os.environ.get("SIGNAGE_THREADS", "8"))
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)) if shared_limits else 1
control_socket_disable = True


def on_starting(server):
    """Refuse several worker processes counting sign-in attempts separately."""
    if server.cfg.workers > 1 and not shared_limits:
        raise SystemExit("signage: several gunicorn workers need a shared rate-limit store; set "
                         "SIGNAGE_RATELIMIT_STORAGE_URI=redis://… or run one worker (threads share its limits).")

#: Seconds between housekeeping passes in each worker (jobs, stale summaries); 0 leaves it to a scheduler.
housekeeping_every = float(os.environ.get("SIGNAGE_HOUSEKEEPING_EVERY", "10"))


def post_worker_init(worker):
    """Start the worker's housekeeping thread: organisation-wide changes finish without a cron job."""
    if housekeeping_every > 0:
        from signage.housekeeping import start_housekeeping_thread  # the app is loaded only in workers
        start_housekeeping_thread(worker.wsgi, housekeeping_every)
