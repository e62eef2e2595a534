-- marks.lua -- what the HTML report and `assay show` share about marks
-- (the highlighted spans of a text): where the text is cut and the order
-- in which marks open, so that spans nest the same way in both views.
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

-- The boundaries of the marks in a text of length n, sorted, with 0 and n:
-- the text is cut there into pieces that every mark covers whole.
function M.cuts(marks, n)
  local cuts, seen = { 0, n }, { [0] = true, [n] = true }
  for _, m in ipairs(marks) do
    for _, b in ipairs({ m.s, m.e }) do
      if not seen[b] then seen[b], cuts[#cuts + 1] = true, b end
    end
  end
  table.sort(cuts)
  return cuts
end

return M
