package io.cairn.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RolesTest {
  @TempDir Path dir;

  private Path file(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  static final String SEED = """
      roles:
        db:       { provides: [mysql] }
        identity: { provides: [keystone], requires: [mysql] }
        image:    { provides: [glance], requires: [mysql, "keystone:2@public"] }
        network:  { provides: [neutron] }
        compute:
          provides: [nova-compute]
          requires: [keystone, glance, neutron]
        lb:
      """;

  @Test
  void readsTheSeedsChainFromYamlAndTheSameFromJson() throws Exception {
    Roles r = Roles.read(file("roles.yaml", SEED));
    assertThat(r.roles().keySet()).containsExactly("db", "identity", "image", "network", "compute", "lb");
    assertThat(r.role("image").requires()).containsExactly(new Need("mysql", 1, null), new Need("keystone", 2, "public"));
    assertThat(r.providers("keystone")).extracting(Roles.Role::name).containsExactly("identity");
    assertThat(r.role("lb").requires()).isEmpty();
    Roles j = Roles.read(file("roles.json", "{\"roles\":{\"db\":{\"provides\":[\"mysql\"]},\"api\":{\"requires\":[\"mysql:2\"]}}}"));
    assertThat(j.role("api").requires()).containsExactly(new Need("mysql", 2, null));
  }

  @Test
  void aCycleIsRefusedWithTheCycleNamed() throws Exception {
    Path f = file("cycle.yaml", """
        roles:
          a: { provides: [x], requires: [z] }
          b: { provides: [y], requires: [x] }
          c: { provides: [z], requires: [y] }
          d: { requires: [x] }
        """);
    assertThatThrownBy(() -> Roles.read(f)).hasMessageContaining("dependency cycle: a -> c -> b -> a");
    Path self = file("self.yaml", "roles:\n  galera: { provides: [mysql], requires: [mysql] }\n");
    assertThatThrownBy(() -> Roles.read(self)).hasMessageContaining("galera -> galera");
  }

  @Test
  void malformedFilesAreRefusedSayingWhere() throws Exception {
    assertThatThrownBy(() -> Roles.read(file("a.yaml", "roles: [1, 2]"))).hasMessageContaining("top-level \"roles\" mapping");
    assertThatThrownBy(() -> Roles.read(file("b.yaml", "roles:\n  db: { provide: [mysql] }\n"))).hasMessageContaining("unknown key \"provide\"");
    assertThatThrownBy(() -> Roles.read(file("c.yaml", "roles:\n  db: { requires: [\"my sql\"] }\n"))).hasMessageContaining("role db");
    assertThatThrownBy(() -> Roles.read(file("d.yaml", "roles:\n  db: { requires: mysql }\n"))).hasMessageContaining("expected a list");
    assertThatThrownBy(() -> Roles.read(file("e.yaml", "roles: {\n"))).hasMessageContaining("roles file");
    assertThatThrownBy(() -> Roles.read(dir.resolve("missing.yaml"))).hasMessageContaining("missing.yaml");
    assertThatThrownBy(() -> Roles.read(file("f.yaml", SEED)).role("storage")).hasMessageContaining("no role \"storage\"");
  }
}
