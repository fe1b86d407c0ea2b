"""The API for other government systems, under ``/api/v1/`` (OpenAPI 3 at ``/api/v1/openapi.json``, documents at
``/api/v1/docs``, served from the installed django-ninja package: no CDN)."""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from ansinh.api import errors
from ansinh.api.auth import ApiKeyAuth
from ansinh.api.endpoints import enrolment, lists, payroll, registry

DESCRIPTION = """API của hệ thống thông tin an sinh xã hội tỉnh cho các hệ thống khác (cơ sở dữ liệu quốc gia về dân cư,
bảo hiểm xã hội, tổ chức chi trả, dịch vụ công). Mỗi hệ thống kết nối có khoá riêng, gắn với một vai trò và một địa bàn:
mọi dữ liệu trả về được lọc đúng như trên trang của vai trò đó. Mọi lần gọi được ghi nhật ký (hệ thống nào, gọi gì,
những người nào được trả về). Lỗi luôn ở dạng JSON `{"error": {"code", "message", "details"}}`."""

api = NinjaAPI(
    title="ansinh API", version="1.0.0", description=DESCRIPTION, urls_namespace="api", auth=ApiKeyAuth(),
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False, "tryItOutEnabled": False}),
    docs_url="/docs", openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("/registry", registry.router)
api.add_router("/enrolment", enrolment.router)
api.add_router("/lists", lists.router)
api.add_router("/payroll", payroll.router)
