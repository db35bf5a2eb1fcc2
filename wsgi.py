from signage import create_app

app = create_app()
