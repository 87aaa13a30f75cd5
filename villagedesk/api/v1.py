"""Version 1 of the REST API at /api/v1/: its authentication, throttling, errors and
operations. The operations translate HTTP to the same selectors and services as the pages."""

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from villagedesk.accounts import second_factor
from villagedesk.api import areas, exports, fieldwork, households, imports, welfare
from villagedesk.api.auth import BearerToken, CallerRateThrottle, Session
from villagedesk.api.errors import handlers_install

DESCRIPTION = """
驻村工作台 (Village Desk) 的接口, 供省、县的其他系统和外勤应用调用。

- 认证: 个人访问令牌 `Authorization: Bearer vd_…` (在“访问令牌”页面创建和撤销),
  或本系统页面的登录会话 (写操作须带 CSRF 令牌)。
- 范围: 与网页相同, 只能看到自己负责的区划; 区划以外的对象一律 404。
- 身份证号码和电话默认打码; 有揭示权限的角色可以对单个人要求揭示, 每次揭示都被记录。
- 错误: `{"code": …, "message": …, "details": …}`,
  message 使用 Accept-Language 指定的语言 (zh-Hans 或 en)。
- 列表用游标分页: 把 `next_cursor` 原样传回 `cursor`。
- 版本策略见 docs/api.md。
"""

api = NinjaAPI(
    title="Village Desk API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=[BearerToken(), Session()],
    throttle=[CallerRateThrottle()],
    docs=Swagger(settings={"persistAuthorization": True}),
)
handlers_install(api)
api.add_router("", areas.router)
api.add_router("", households.router)
api.add_router("", fieldwork.router)
api.add_router("", welfare.router)
api.add_router("", imports.router)
api.add_router("", exports.router)


def urls():
    """The API's URL patterns. A session still owing its second factor is answered by the API
    (401 in its error body, `auth.Session`), not redirected to the page of that step."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        second_factor.answers_itself(pattern.callback)
    return patterns, app_name, namespace
