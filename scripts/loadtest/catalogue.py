"""Creates the load test's shop through the API and prints what the scenarios need, as shell assignments.

63 categories in 3 levels (3 roots, 4 children each, 4 grandchildren each) and 960 products (20 per leaf), made
by a staff account created beforehand; one registered customer. Standard library only.
"""
import json
import sys
import urllib.request

base, staff_email, staff_password = sys.argv[1:4]


def call(method, path, body=None, token=None):
    request = urllib.request.Request(base + path, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Token " + token)
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(request, data, timeout=30) as response:
        return json.load(response)


staff = call("POST", "/api/v1/auth/login/", {"email": staff_email, "password": staff_password})["token"]
roots = []
leaves = []
for r in range(3):
    root = call("POST", "/api/v1/categories/", {"name": f"Department {r}"}, staff)
    roots.append(root)
    for c in range(4):
        child = call("POST", "/api/v1/categories/", {"name": f"Aisle {r}.{c}", "parent": root["id"]}, staff)
        for g in range(4):
            leaf = call(
                "POST", "/api/v1/categories/", {"name": f"Shelf {r}.{c}.{g}", "parent": child["id"]}, staff
            )
            leaves.append(leaf)
product = None
for n, leaf in enumerate(leaves):
    for p in range(20):
        made = call(
            "POST",
            "/api/v1/products/",
            {
                "name": f"Product {n}-{p}",
                "description": f"A sturdy product number {p} of shelf {leaf['name']}.",
                "price": f"{(n * 20 + p) % 997 + 1}.{p % 100:02d}",
                "category": leaf["id"],
                # Enough for every order a run can place.
                "stock_quantity": 100_000_000,
                "is_featured": p == 0,
            },
            staff,
        )
        product = product or made
customer = call(
    "POST",
    "/api/v1/auth/register/",
    {
        "email": "loadtest-customer@example.com",
        "password": "kamau-wanjiru-77",
        "password_confirm": "kamau-wanjiru-77",
        "first_name": "Load",
        "last_name": "Test",
        "phone_number": "+254711000001",
    },
)
print(f"root_id={roots[0]['id']}")
print(f"root_slug={roots[0]['slug']}")
print(f"product_id={product['id']}")
print(f"customer_token={customer['token']}")
