-- wrk: every request places an order of one unit of one product, as the customer whose token is given. wrk counts
-- any answer but 2xx/3xx as an error ("Non-2xx or 3xx responses").
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Token " .. os.getenv("LOADTEST_TOKEN")
wrk.body = '{"shipping_address": "1 Moi Avenue, Nairobi", "billing_address": "1 Moi Avenue, Nairobi", '
  .. '"phone_number": "+254711000001", "payment_method": "mpesa", '
  .. '"items": [{"product_id": "' .. os.getenv("LOADTEST_PRODUCT") .. '", "quantity": 1}]}'
