package io.cairn.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ServerAddressTest {
  @ParameterizedTest
  @CsvSource({
      "10.0.0.5, 10.0.0.5:8300, IPV4",
      "10.0.0.5:8301, 10.0.0.5:8301, IPV4",
      "Server-1.Example.COM, server-1.example.com:8300, NAME",
      "server-1.example.com.:9, server-1.example.com:9, NAME",
      "localhost, localhost:8300, NAME",
      "::1, [::1]:8300, IPV6",
      "2001:DB8:0:0:0:0:0:1, [2001:db8::1]:8300, IPV6",
      "[2001:db8:0:0:1:0:0:1]:8301, [2001:db8::1:0:0:1]:8301, IPV6",
      "[fe80::]:65535, [fe80::]:65535, IPV6",
      "::ffff:10.1.2.3, 10.1.2.3:8300, IPV4",
  })
  void readsAndCanonicalizes(String text, String canonical, ServerAddress.Kind kind) {
    ServerAddress a = ServerAddress.parse(text);
    assertThat(a.toString()).isEqualTo(canonical);
    assertThat(a.kind()).isEqualTo(kind);
    assertThat(ServerAddress.parse(a.toString())).isEqualTo(a);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10.0.0.256", "10.0.0", "10.0.0.1.2", "010.0.0.1", "10.0.0.1:0", "10.0.0.1:65536",
      "10.0.0.1:", "10.0.0.1:80a", "10.0.0.1:+80", "-host.example", "host-.example", "a..b", "host_name",
      "host name", "[::1", "[::1]x", "[::1]:", "::g", "fe80::1%eth0", "1:2:3:4:5:6:7:8:9", "hé.example",
      "http://10.0.0.1/", "10.0.0.1/24", "999"})
  void refusesMalformedAddresses(String text) {
    assertThatThrownBy(() -> ServerAddress.parse(text)).isInstanceOf(BadRequestException.class);
  }

  @Test
  void refusesLongNamesAndLabels() {
    assertThatThrownBy(() -> ServerAddress.parse("a".repeat(64) + ".example")).isInstanceOf(BadRequestException.class);
    assertThatThrownBy(() -> ServerAddress.parse(("a".repeat(50) + ".").repeat(6) + "com"))
        .isInstanceOf(BadRequestException.class);
    assertThat(ServerAddress.parse("a".repeat(63) + ".example").kind()).isEqualTo(ServerAddress.Kind.NAME);
  }

  /** Whatever arrives, the parser answers an address or a BadRequestException, nothing else. */
  @Test
  void anyInputIsAnAddressOrARefusal() {
    Random random = new Random(11);
    String alphabet = "0123456789abcdefABCDEF:.[]-%/ xyz\u00e9\u0000";
    int accepted = 0;
    for (int i = 0; i < 50_000; i++) {
      StringBuilder s = new StringBuilder();
      for (int n = random.nextInt(24); n > 0; n--) s.append(alphabet.charAt(random.nextInt(alphabet.length())));
      try {
        ServerAddress a = ServerAddress.parse(s.toString());
        assertThat(ServerAddress.parse(a.toString())).isEqualTo(a);
        accepted++;
      } catch (BadRequestException e) {
        assertThat(e.getMessage()).doesNotContain("\n");
      }
    }
    assertThat(accepted).isPositive();
  }

  @Test
  void tokensAreThirtyTwoHexCharacters() {
    assertThat(Token.parse("0123456789ABCDEF0123456789abcdef").value()).isEqualTo("0123456789abcdef0123456789abcdef");
    for (String bad : new String[] {"", "0123456789abcdef", "0123456789abcdef0123456789abcdeg", "0123456789abcdef0123456789abcdef0",
        "../../../../etc/passwd/aaaaaaaaaa"}) {
      assertThatThrownBy(() -> Token.parse(bad)).isInstanceOf(BadRequestException.class);
    }
    assertThat(Token.random()).isNotEqualTo(Token.random());
  }
}
