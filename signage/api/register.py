"""The public register in the API: the same filters, sorts and pages as /register, as JSON, without a token.
The whole filtered register, unpaged, is the open data at /register.csv, .json and .geojson."""
from flask import current_app
from flask.views import MethodView

from signage.api.core import LINK_HEADER, Blueprint, paged
from signage.database import reads_only
from signage.register import opendata, queries
from signage.register.schemas import RegisterEntrySchema, RegisterQuerySchema

blp = Blueprint("register-api", __name__, url_prefix="/api/v1", public=True,
                description="The public register of deployments: every site with a published notice. No token; "
                            "a bad filter is a 400 naming it.")


@blp.route("/register")
class Register(MethodView):
    @blp.arguments(RegisterQuerySchema, location="query", error_status_code=400)
    @blp.response(200, RegisterEntrySchema(many=True), headers=LINK_HEADER)
    @blp.problems(400)
    @reads_only
    def get(self, query):
        """List the register, live deployments first, filtered and sorted as asked; continue with the Link
        header's cursor."""
        filters = queries.RegisterFilters.from_query(query)
        page = queries.register_page(filters, sort=query["sort"], limit=query["limit"], cursor=query.get("cursor"))
        base_url = current_app.config["PUBLIC_BASE_URL"]
        return paged(page, items=[opendata.entry_document(entry, base_url) for entry in page.items])
