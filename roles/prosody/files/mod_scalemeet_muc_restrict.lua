-- scalemeet.jitsi: only users of the listed hosts may enter or create rooms of
-- this MUC. Loaded on the internal brewery MUC so that anonymous users of the
-- main domain cannot join the room where jicofo and the bridges meet.
local jid_host = require "util.jid".host;
local st = require "util.stanza";

local allowed = module:get_option_set("scalemeet_muc_allowed_hosts", {});

local function check(event)
	local host = jid_host(event.stanza.attr.from);
	if allowed:contains(host) then return; end
	module:log("warn", "refused %s in %s: host %s is not allowed", event.stanza.attr.from, event.room.jid, tostring(host));
	event.origin.send(st.error_reply(event.stanza, "auth", "forbidden", "This room is internal"));
	return true;
end

module:hook("muc-room-pre-create", check, 100);
module:hook("muc-occupant-pre-join", check, 100);
