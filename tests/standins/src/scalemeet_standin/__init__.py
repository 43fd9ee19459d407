"""TEST DOUBLES for jicofo and jitsi-videobridge2. NOT Jitsi software.

Jitsi's packages cannot be downloaded on the test machines, so the test
suite installs these stand-ins from a local signed apt repository. They read
the real configuration files the roles write (HOCON, parsed with pyhocon) and
speak real XMPP to the real Prosody: log in with the configured accounts,
join the brewery MUC and publish or read the presence Jitsi uses there. They
serve the private HTTP APIs at the same addresses and paths as Jitsi does.
They carry no media beyond counting UDP datagrams on the ICE port.
"""

BANNER = "TEST DOUBLE (scalemeet.jitsi tests), not Jitsi software"
