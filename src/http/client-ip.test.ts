import { describe, expect, it } from "vitest";
import { ipGroup } from "./client-ip.ts";

describe("ipGroup: the unit every per-IP limit counts", () => {
  it.each([
    ["203.0.113.7", "203.0.113.7"],
    ["2001:db8:1:2::1", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"],
    ["2001:DB8:1:2:a:b:c:d", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["fe80::1:2:3:4", "fe80:0:0:0::/64"],
    ["::ffff:198.51.100.4", "198.51.100.4"],
    ["2001:db8:1:3::1", "2001:db8:1:3::/64"],
  ])("%s counts as %s", (ip, group) => {
    expect(ipGroup(ip)).toBe(group);
  });

  it("puts every address of one /64 in one group, and the next /64 in another", () => {
    const groups = new Set(
      ["2001:db8:aa:bb::1", "2001:db8:aa:bb:ffff::9", "2001:db8:aa:bb:1:2:3:4"].map(ipGroup),
    );
    expect([...groups]).toEqual(["2001:db8:aa:bb::/64"]);
    expect(ipGroup("2001:db8:aa:bc::1")).not.toBe(ipGroup("2001:db8:aa:bb::1"));
  });

  it.each([
    "",
    "unknown",
    "1:2:3:4:5:6:7:8:9",
    "1::2::3",
    "12345::1",
    "999.1.1.1",
    "1.2.3",
    "g::1",
  ])("answers 'unknown' for the malformed %j", (ip) => {
    expect(ipGroup(ip)).toBe("unknown");
  });
});
