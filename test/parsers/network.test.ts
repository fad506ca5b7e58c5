import { describe, expect, it } from "vitest";
import { looksLikeRoutes, parseIpAddr, parseIpRoute, parseIptablesL } from "../../src/parsers/index.js";
import { runParsers } from "./support.js";

const ROUTES = [
  "default via 172.22.96.1 dev eth0 proto dhcp src 172.22.104.186 metric 100 ",
  "blackhole 10.1.254.64/26 proto 80 ",
  "10.1.254.78 dev cali5e7a27f59df scope link ",
  "172.22.96.0/20 dev eth0 proto kernel scope link src 172.22.104.186 metric 100 ",
  "",
].join("\n");

const IP_ADDR = [
  "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000",
  "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00",
  "    inet 127.0.0.1/8 scope host lo",
  "       valid_lft forever preferred_lft forever",
  "    inet6 ::1/128 scope host ",
  "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 1000",
  "    link/ether 00:15:5d:01:02:03 brd ff:ff:ff:ff:ff:ff",
  "    inet 192.168.0.57/24 brd 192.168.0.255 scope global eth0",
  "    inet6 fd00::57/64 scope global ",
  "    inet6 fe80::215:5dff:fe01:203/64 scope link ",
  "3: vxlan.calico: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN group default",
  "    inet 10.1.254.64/32 scope global vxlan.calico",
].join("\n");

describe("iptables -L", () => {
  it("reads the FORWARD policy", () => {
    const text =
      "# Warning: iptables-legacy tables present, use iptables-legacy to see them\nChain INPUT (policy ACCEPT)\n\nChain FORWARD (policy DROP)\ntarget     prot opt source               destination\n";
    expect(parseIptablesL(text)).toEqual({ forwardPolicy: "DROP" });
    expect(parseIptablesL("Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)\n")).toEqual({
      forwardPolicy: "ACCEPT",
    });
    expect(parseIptablesL("iptables: command not found\n")).toEqual({ forwardPolicy: null });
  });
});

describe("ip route / ip addr", () => {
  it("reads routes and the default route", () => {
    const route = parseIpRoute(ROUTES);
    expect(route.hasDefaultRoute).toBe(true);
    expect(route.routes).toHaveLength(4);
    expect(route.routes[1]).toBe("blackhole 10.1.254.64/26 proto 80");
    expect(
      parseIpRoute("172.31.48.0/20 dev eth0 proto kernel scope link src 172.31.59.89\n").hasDefaultRoute,
    ).toBe(false);
  });

  it("tells route output from ip addr output", () => {
    expect(looksLikeRoutes(ROUTES)).toBe(true);
    expect(looksLikeRoutes(IP_ADDR)).toBe(false);
    expect(looksLikeRoutes("")).toBe(false);
  });

  it("reads global addresses from ip addr output", () => {
    expect(parseIpAddr(IP_ADDR)).toEqual(["192.168.0.57", "fd00::57", "10.1.254.64"]);
  });

  it("uses ip-addr as routes only when it holds routes, and ip-route wins in either order", () => {
    const fromAddr = runParsers({ "network/ip-addr": ROUTES }).out;
    expect(fromAddr.ipRoute?.hasDefaultRoute).toBe(true);
    expect(fromAddr.ipAddresses).toBeUndefined();

    const real = runParsers({ "network/ip-addr": IP_ADDR }).out;
    expect(real.ipRoute).toBeUndefined();
    expect(real.ipAddresses).toEqual(["192.168.0.57", "fd00::57", "10.1.254.64"]);

    const onlyRoute = "10.0.0.0/8 dev eth1 scope link\n";
    for (const order of [
      { "network/ip-addr": ROUTES, "network/ip-route": onlyRoute },
      { "network/ip-route": onlyRoute, "network/ip-addr": ROUTES },
    ]) {
      const { out } = runParsers(order);
      expect(out.ipRoute).toEqual({ hasDefaultRoute: false, routes: ["10.0.0.0/8 dev eth1 scope link"] });
    }
  });

  it("leaves ipRoute unknown when network/ip-route holds no routes", () => {
    const { out, warnings } = runParsers({ "network/ip-route": "Command 'ip' not found\n" });
    expect(out.ipRoute).toBeUndefined();
    expect(warnings).toEqual(["network/ip-route: no route lines found"]);
  });
});
