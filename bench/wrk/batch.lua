-- POST /v1/batch with realistic e-commerce events, as the browser SDK and server-side libraries
-- send them. Every request is built fresh: each event gets a new RANDOM UUIDv4 messageId (what
-- Segment's and RudderStack's clients send; counters or time-ordered ids would flatter the
-- store's dedup index), and the batch mixes "Product Viewed" and "Product Added" events of
-- about 680 bytes with properties and a page / userAgent / campaign context.
--
-- Usage: wrk ... -s batch.lua http://HOST:PORT/v1/batch -- <batch size> <Authorization value>
dofile("report.lua")

local random = math.random
local format = string.format
local concat = table.concat

local batch_size = 100
local headers = { ["Content-Type"] = "application/json" }
local visitors = {}
local sent_at = ""

local products = {
  { id = "sku-48213", name = "Trail Runner 2 Waterproof", category = "Shoes/Running",
    variant = "Blue / EU 42", price = 89.90, slug = "trail-runner-2" },
  { id = "sku-10377", name = "Merino Base Layer Long Sleeve", category = "Apparel/Base Layers",
    variant = "Charcoal / M", price = 64.50, slug = "merino-base-layer" },
  { id = "sku-77120", name = "Daypack 28 L with Rain Cover", category = "Bags/Backpacks",
    variant = "Moss Green", price = 119.00, slug = "daypack-28" },
  { id = "sku-30911", name = "Headlamp 400 Lumen Rechargeable", category = "Gear/Lighting",
    variant = "Black", price = 39.95, slug = "headlamp-400" },
}

local campaigns = {
  '{"source":"newsletter","medium":"email","name":"winter-sale-2026"}',
  '{"source":"google","medium":"cpc","name":"brand-search"}',
  '{"source":"instagram","medium":"social","name":"new-arrivals"}',
}

local user_agents = {
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
}

local function seed_from_os()
  local urandom = io.open("/dev/urandom", "rb")
  local bytes = urandom:read(6)
  urandom:close()
  local seed = 0
  for i = 1, #bytes do seed = seed * 256 + bytes:byte(i) end
  math.randomseed(seed)
end

local function uuid4()
  return format("%04x%04x-%04x-4%03x-%04x-%04x%04x%04x",
    random(0, 0xffff), random(0, 0xffff), random(0, 0xffff), random(0, 0xfff),
    0x8000 + random(0, 0x3fff), random(0, 0xffff), random(0, 0xffff), random(0, 0xffff))
end

local function iso_now(offset_ms)
  return os.date("!%Y-%m-%dT%H:%M:%S", os.time()) .. format(".%03dZ", offset_ms % 1000)
end

local function event_json()
  local product = products[random(1, #products)]
  local name = "Product Viewed"
  local extra = ""
  if random(1, 4) == 1 then
    name = "Product Added"
    extra = format(',"quantity":%d', random(1, 3))
  end
  return format(
    '{"type":"track","event":"%s","messageId":"%s","anonymousId":"%s","timestamp":"%s",' ..
    '"properties":{"product_id":"%s","name":"%s","category":"%s",' ..
    '"variant":"%s","price":%.2f,"currency":"EUR"%s},' ..
    '"context":{"page":{"path":"/p/%s","referrer":"https://www.google.com/","title":"%s"},' ..
    '"userAgent":"%s","campaign":%s}}',
    name, uuid4(), visitors[random(1, #visitors)], sent_at, product.id, product.name,
    product.category, product.variant, product.price, extra, product.slug,
    product.name, user_agents[random(1, #user_agents)], campaigns[random(1, #campaigns)])
end

function init(args)
  seed_from_os()
  batch_size = tonumber(args[1]) or batch_size
  if args[2] then headers["Authorization"] = args[2] end
  for i = 1, 500 do visitors[i] = uuid4() end
  sent_at = iso_now(random(0, 999))
end

function request()
  local events = {}
  for i = 1, batch_size do events[i] = event_json() end
  local body = '{"batch":[' .. concat(events, ",") .. '],"sentAt":"' .. sent_at .. '"}'
  return wrk.format("POST", nil, headers, body)
end
