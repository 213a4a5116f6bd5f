-- Quarto's per-table column widths for the Python build: a table caption may end with
-- {tbl-colwidths="[5,42,12]"} (quarto.org/docs/authoring/tables.html#column-widths).
-- Pandoc reads the attribute onto the table; this filter gives the columns those widths the
-- way Quarto's filter does (modules/tablecolwidths.lua in Quarto 1.10): per cent of the text
-- width, the last width repeated for further columns, scaled down when they add up to more than 100.

local function round(x, stellen)
  local f = 10 ^ stellen
  return math.floor(x * f + 0.5) / f
end

function Table(tbl)
  local wert = tbl.attributes["tbl-colwidths"]
  if wert == nil then
    return nil
  end
  local angegeben = {}
  for zahl in wert:gmatch("[%d%.]+") do
    table.insert(angegeben, tonumber(zahl))
  end
  if #angegeben == 0 then
    return nil
  end
  local breiten, summe = {}, 0
  for i = 1, #tbl.colspecs do
    breiten[i] = angegeben[math.min(i, #angegeben)]
    summe = summe + breiten[i]
  end
  for i = 1, #breiten do
    local b = summe > 100 and round(breiten[i] / summe * 100, 1) or breiten[i]
    tbl.colspecs[i] = {tbl.colspecs[i][1], round(b / 100, 2)}
  end
  tbl.attributes["tbl-colwidths"] = nil
  return tbl
end
