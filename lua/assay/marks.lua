-- marks.lua -- what the HTML report and `assay show` share about marks
-- (the highlighted spans of a text): the order in which they open, so
-- that spans nest the same way in both views.
local M = {}

-- Outer first: earlier start, then longer, then by rank (claim content
-- before claim parts before actors and dates), then id, then opening
-- before closing.
function M.order(x, y)
  if x.s ~= y.s then return x.s < y.s end
  if x.e ~= y.e then return x.e > y.e end
  if x.rank ~= y.rank then return x.rank < y.rank end
  if x.id ~= y.id then return x.id < y.id end
  return (x.open or 0) < (y.open or 0)
end

return M
