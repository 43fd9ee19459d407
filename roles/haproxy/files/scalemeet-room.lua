-- Managed by scalemeet.jitsi (roles/haproxy/files/scalemeet-room.lua).
-- The room key HAProxy hashes and sticks on: the `room` URL parameter as
-- Prosody compares room names - percent-decoded (a "+" stays a "+") and
-- case-folded as nodeprep does for Latin, Greek and Cyrillic letters (ß and ẞ
-- fold to "ss", final sigma to sigma) - so every spelling of one room reaches
-- the same shard.

local function percent_decode(s)
    return (s:gsub("%%(%x%x)", function(hex) return string.char(tonumber(hex, 16)) end))
end

-- Folds to more than one letter, or across blocks.
local SPECIAL = {
    [0xDF] = "ss", [0x1E9E] = "ss", [0x17F] = "s", [0x130] = "i" .. utf8.char(0x307), [0x3C2] = utf8.char(0x3C3),
}

local function fold(cp)
    if SPECIAL[cp] then return SPECIAL[cp] end
    if cp >= 0x41 and cp <= 0x5A then return cp + 32 end
    if cp < 0xC0 then return cp end
    if cp <= 0xDE then return (cp == 0xD7) and cp or cp + 32 end
    if cp >= 0x100 and cp <= 0x137 then return cp - cp % 2 + 1 end
    if cp >= 0x139 and cp <= 0x148 then return (cp % 2 == 1) and cp + 1 or cp end
    if cp >= 0x14A and cp <= 0x177 then return cp - cp % 2 + 1 end
    if cp == 0x178 then return 0xFF end
    if cp >= 0x179 and cp <= 0x17E then return (cp % 2 == 1) and cp + 1 or cp end
    if cp == 0x386 then return 0x3AC end
    if cp >= 0x388 and cp <= 0x38A then return cp + 37 end
    if cp == 0x38C then return 0x3CC end
    if cp == 0x38E or cp == 0x38F then return cp + 63 end
    if cp >= 0x391 and cp <= 0x3AB and cp ~= 0x3A2 then return cp + 32 end
    if cp >= 0x400 and cp <= 0x40F then return cp + 80 end
    if cp >= 0x410 and cp <= 0x42F then return cp + 32 end
    return cp
end

local function casefold(s)
    local ok, out = pcall(function()
        local parts = {}
        for _, cp in utf8.codes(s) do
            local f = fold(cp)
            parts[#parts + 1] = (type(f) == "string") and f or utf8.char(f)
        end
        return table.concat(parts)
    end)
    if ok then return out end
    return s:lower() -- not UTF-8: fold ASCII only
end

core.register_converters("scalemeet_room", function(raw)
    return casefold(percent_decode(raw))
end)
