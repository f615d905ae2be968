package io.cairn.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MemberTableTest {
  private static final long S = 1_000_000_000L;
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final MemberTable table = new MemberTable();

  private static Member member(String name, int port) {
    return new Member(name, "10.0.0." + port, port, "dc1", false, 0, Member.Status.ALIVE);
  }

  @Test
  void aMemberSilentPastTheTimeoutFailsOnceAndABeatRevivesIt() {
    assertThat(table.beat(member("a", 1), 0)).isEqualTo(MemberTable.Change.NEW);
    assertThat(table.expire(10 * S, TIMEOUT)).isEmpty();
    assertThat(table.expire(10 * S + 1, TIMEOUT)).extracting(Member::name).containsExactly("a");
    assertThat(table.expire(20 * S, TIMEOUT)).isEmpty();
    assertThat(table.get("a").status()).isEqualTo(Member.Status.FAILED);
    assertThat(table.beat(member("a", 1), 21 * S)).isEqualTo(MemberTable.Change.REVIVED);
    assertThat(table.get("a").status()).isEqualTo(Member.Status.ALIVE);
  }

  @Test
  void eachMemberKeepsItsOwnAddressAndPort() {
    table.beat(member("a", 1), 0);
    table.beat(member("b", 2), 0);
    assertThat(table.list()).extracting(Member::address, Member::port)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("10.0.0.1", 1), org.assertj.core.groups.Tuple.tuple("10.0.0.2", 2));
  }

  @Test
  void aBeatWithoutAnAddressKeepsWhatWasKnown() {
    table.beat(member("a", 1), 0);
    table.beat(new Member("a", null, 0, null, false, 0, Member.Status.ALIVE), S);
    assertThat(table.get("a").address()).isEqualTo("10.0.0.1");
  }

  @Test
  void aLeftMemberIsNotFailedAndIsForgottenAfterTheReconnectTimeout() {
    table.beat(member("a", 1), 0);
    table.left("a", S);
    assertThat(table.expire(100 * S, TIMEOUT)).isEmpty();
    assertThat(table.get("a").status()).isEqualTo(Member.Status.LEFT);
    assertThat(table.expire(S + MemberTable.RECONNECT_TIMEOUT.toNanos() + 1, TIMEOUT)).isEmpty();
    assertThat(table.get("a")).isNull();
  }

  @Test
  void aNewLeadersGraceGivesEveryAliveMemberAFullTimeout() {
    table.beat(member("a", 1), 0);
    table.seed(new Member("b", "10.0.0.2", 0, "dc1", false, 0, Member.Status.FAILED), 0);
    table.refreshAll(9 * S);
    assertThat(table.expire(15 * S, TIMEOUT)).isEmpty();
    assertThat(table.get("b").status()).isEqualTo(Member.Status.FAILED);
    assertThat(table.expire(19 * S + 1, TIMEOUT)).extracting(Member::name).containsExactly("a");
  }

  @Test
  void seedingDoesNotOverwriteWhatWasHeard() {
    table.beat(member("a", 1), 0);
    table.seed(new Member("a", "10.9.9.9", 0, "dc1", false, 0, Member.Status.FAILED), 0);
    assertThat(table.get("a").status()).isEqualTo(Member.Status.ALIVE);
    assertThat(table.get("a").address()).isEqualTo("10.0.0.1");
  }

  @Test
  void serversAreListedFirst() {
    table.beat(member("a", 1), 0);
    table.beat(new Member("z", "10.0.0.9", 9, "dc1", true, 8300, Member.Status.ALIVE), 0);
    assertThat(table.list()).extracting(Member::name).containsExactly("z", "a");
  }
}
