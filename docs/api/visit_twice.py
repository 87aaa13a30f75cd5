"""Record a visit the way a field app does offline: the key is made when the visit is written
down, and the visit is sent, and sent again, with that key until an answer arrives. However
often it is sent, the server keeps one visit.

    python visit_twice.py https://desk.example.org vd_… 1234
"""

import json
import sys
import urllib.request
import uuid


def send_visit(base: str, token: str, visit: dict, key: str) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 (the caller names an http(s) server)
        f"{base}/api/v1/visits",
        data=json.dumps(visit).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept-Language": "zh-Hans",
            "Idempotency-Key": key,
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.status, json.load(response)


def main(base: str, token: str, household: int) -> int:
    key = str(uuid.uuid4())
    visit = {"household": household, "said": "老人说腿脚不好，想问慢病补助怎么申请。"}
    first_status, first = send_visit(base, token, visit, key)
    second_status, second = send_visit(base, token, visit, key)
    print(f"first: {first_status} visit {first['id']}; again: {second_status} visit {second['id']}")
    return 0 if first["id"] == second["id"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
