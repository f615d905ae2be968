package io.cairn.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DiscoveryTest {
  @Test
  void theTokenIsTheLastSegmentOfTheUrlOrTheFirstLabelOfTheName() {
    Discovery http = Discovery.parse("http://discovery.example:8080/0123456789abcdef0123456789abcdef");
    assertThat(http.token()).isEqualTo("0123456789abcdef0123456789abcdef");
    assertThat(http.canRegister()).isTrue();
    assertThat(Discovery.parse("https://d.example/tokens/abc123/").token()).isEqualTo("abc123");
    Discovery srv = Discovery.parse("dns:_abc123._tcp.service.discovery");
    assertThat(srv.token()).isEqualTo("abc123");
    assertThat(srv.canRegister()).isFalse();
    assertThat(Discovery.parse("dns:abc123.service.discovery.").token()).isEqualTo("abc123");
  }

  @Test
  void aSpecItCannotUseIsRefusedWithTheReason() {
    assertThatThrownBy(() -> Discovery.parse("ftp://x/abc")).hasMessageContaining("expected http(s)://");
    assertThatThrownBy(() -> Discovery.parse("http://x/")).hasMessageContaining("must end with the token");
    assertThatThrownBy(() -> Discovery.parse("http://x/a b")).hasMessageContaining("-discovery");
    assertThatThrownBy(() -> Discovery.parse("dns:")).hasMessageContaining("dns:<name>");
    assertThatThrownBy(() -> Discovery.parse("")).hasMessageContaining("empty");
  }
}
