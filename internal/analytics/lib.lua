-- Helpers of the analytics scripts (range.lua, trending.lua): scripts.go
-- puts this before each, since every script Redis runs stands alone.

-- Byte order, whatever the server's locale (Lua's < on strings follows it).
local function before(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = a:byte(i), b:byte(i)
    if x ~= y then
      return x < y
    end
  end
  return #a < #b
end

-- keep puts row ({name, value, ...}) into best, which holds the k rows of
-- highest value, the smaller name first among equal values, in that order.
local function keep(best, k, row)
  local function better(a, b)
    return a[2] > b[2] or (a[2] == b[2] and before(a[1], b[1]))
  end
  if #best == k and not better(row, best[k]) then
    return
  end
  local at = #best + 1
  while at > 1 and better(row, best[at - 1]) do
    at = at - 1
  end
  table.insert(best, at, row)
  best[k + 1] = nil
end

