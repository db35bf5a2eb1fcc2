import cProfile, pstats, io
from signage.app import create_app
def test_prof(app_config, instance_dir):
    create_app(app_config)
    pr = cProfile.Profile(); pr.enable()
    for _ in range(5):
        create_app(app_config)
    pr.disable()
    s = io.StringIO(); pstats.Stats(pr, stream=s).sort_stats("cumulative").print_stats(25); print(s.getvalue())
