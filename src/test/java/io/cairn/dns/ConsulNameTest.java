package io.cairn.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConsulNameTest {
  private static Optional<ConsulName> parse(String rest) {
    return ConsulName.parse(rest.isEmpty() ? new String[0] : rest.split("\\."));
  }

  @Test
  void plainService() {
    assertThat(parse("web.service")).contains(new ConsulName.Service("web", null, null, false));
  }

  @Test
  void taggedServiceInADatacenter() {
    assertThat(parse("v1.web.service.dc2")).contains(new ConsulName.Service("web", "v1", "dc2", false));
  }

  @Test
  void serviceInADatacenterIsNotReadAsATag() {
    assertThat(parse("web.service.dc1")).contains(new ConsulName.Service("web", null, "dc1", false));
  }

  @Test
  void rfc2782WithTcpMeansNoTag() {
    assertThat(parse("_web._tcp.service")).contains(new ConsulName.Service("web", null, null, true));
    assertThat(parse("_web._v1.service.dc1")).contains(new ConsulName.Service("web", "v1", "dc1", true));
  }

  @Test
  void nodeWithAndWithoutDatacenter() {
    assertThat(parse("db1.node")).contains(new ConsulName.NodeName("db1", null));
    assertThat(parse("db1.node.dc1")).contains(new ConsulName.NodeName("db1", "dc1"));
  }

  @Test
  void addrDecodesIpv4Hex() {
    ConsulName.Addr a = (ConsulName.Addr) parse("7f000001.addr.dc1").orElseThrow();
    assertThat(a.address()).containsExactly(127, 0, 0, 1);
    assertThat(parse("7f00001.addr")).isEmpty();
    assertThat(parse("zz000001.addr")).isEmpty();
  }

  @Test
  void preparedQueryAndApex() {
    assertThat(parse("geo.query")).contains(new ConsulName.PreparedQuery("geo", null));
    assertThat(parse("")).contains(new ConsulName.Apex());
  }

  @Test
  void meaninglessNamesAreEmpty() {
    assertThat(parse("web")).isEmpty();
    assertThat(parse("a.b.c.service")).isEmpty();
    assertThat(parse("service")).isEmpty();
    assertThat(parse("foo.bar")).isEmpty();
  }

  @Test
  void reverseNamesGiveTheAddress() {
    assertThat(ReverseName.address("4.3.2.10.in-addr.arpa.")).contains("10.2.3.4");
    assertThat(ReverseName.address("300.3.2.10.in-addr.arpa.")).isEmpty();
    assertThat(ReverseName.address("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa."))
        .contains("0000:0000:0000:0000:0000:0000:0000:0001");
  }
}
