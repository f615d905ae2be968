package io.cairn.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Holds the import direction of docs/packages.md: cli → agent → http, dns → endpoints →
 * local, checks, membership → rpc → raft → state, and cli → discovery, a service of its own.
 * Within the middle layer, local may use checks (it owns the definitions the runners run),
 * never the reverse.
 */
class LayeringTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.cairn");

  @Test
  void packagesOnlyImportThoseBelowThem() {
    layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("cli").definedBy("io.cairn.cli..")
        .layer("agent").definedBy("io.cairn.agent..")
        .layer("discovery").definedBy("io.cairn.discovery..")
        .layer("deploy").definedBy("io.cairn.deploy..")
        .layer("interfaces").definedBy("io.cairn.http..", "io.cairn.dns..")
        .layer("endpoints").definedBy("io.cairn.endpoints..")
        .layer("node").definedBy("io.cairn.local..", "io.cairn.checks..", "io.cairn.membership..")
        .layer("rpc").definedBy("io.cairn.rpc..")
        .layer("raft").definedBy("io.cairn.raft..")
        .layer("state").definedBy("io.cairn.state..")
        .whereLayer("cli").mayNotBeAccessedByAnyLayer()
        .whereLayer("agent").mayOnlyBeAccessedByLayers("cli", "deploy")
        .whereLayer("deploy").mayOnlyBeAccessedByLayers("cli")
        .whereLayer("discovery").mayOnlyBeAccessedByLayers("cli")
        .whereLayer("interfaces").mayOnlyBeAccessedByLayers("cli", "agent")
        .whereLayer("endpoints").mayOnlyBeAccessedByLayers("cli", "agent", "interfaces")
        .whereLayer("node").mayOnlyBeAccessedByLayers("cli", "agent", "interfaces", "endpoints")
        .whereLayer("rpc").mayOnlyBeAccessedByLayers("cli", "agent", "interfaces", "endpoints", "node")
        .whereLayer("raft").mayOnlyBeAccessedByLayers("cli", "agent", "interfaces", "endpoints", "node", "rpc")
        .check(CLASSES);
  }

  /**
   * The discovery service runs apart from any cluster (it is what a cluster starts from): it
   * uses no other package of Cairn, and none but cli uses it.
   */
  @Test
  void discoveryIsAServiceOfItsOwn() {
    noClasses().that().resideInAPackage("io.cairn.discovery..").should().dependOnClassesThat()
        .resideInAnyPackage("io.cairn.agent..", "io.cairn.http..", "io.cairn.dns..", "io.cairn.endpoints..",
            "io.cairn.local..", "io.cairn.checks..", "io.cairn.membership..", "io.cairn.rpc..", "io.cairn.raft..",
            "io.cairn.state..", "io.cairn.cli..")
        .check(CLASSES);
  }

  /** rpc/ is the transport: it knows no capability that uses it, nor Raft, nor the state. */
  @Test
  void rpcIsTransportOnly() {
    noClasses().that().resideInAPackage("io.cairn.rpc..").should().dependOnClassesThat()
        .resideInAnyPackage("io.cairn.raft..", "io.cairn.state..", "io.cairn.endpoints..", "io.cairn.membership..")
        .check(CLASSES);
  }

  @Test
  void httpNeverUsesRaft() {
    noClasses().that().resideInAnyPackage("io.cairn.http..", "io.cairn.dns..")
        .should().dependOnClassesThat().resideInAPackage("io.cairn.raft..").check(CLASSES);
  }

  /**
   * Consul's wire names live in the JSON mapping of http (and in cli, deploy and discovery,
   * clients of that API); inside, Java names. Checked on the sources: a name in a string literal is the sign.
   */
  @Test
  void consulWireNamesOnlyInHttp() throws java.io.IOException {
    java.util.regex.Pattern wire = java.util.regex.Pattern.compile("\"(ModifyIndex|CreateIndex|ServiceID|ServiceName|CheckID"
        + "|LockIndex|ServiceTags|ServiceAddress|ServicePort|TaggedAddresses|ServiceMeta|NodeMeta|ServiceKind|ServiceProxy"
        + "|DestinationServiceName|DeregisterCriticalServiceAfter|EnableTagOverride|ServiceWeights|KnownLeader)\"");
    java.nio.file.Path root = java.nio.file.Path.of("src/main/java/io/cairn");
    java.util.List<String> found = new java.util.ArrayList<>();
    try (var files = java.nio.file.Files.walk(root)) {
      for (java.nio.file.Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String pkg = root.relativize(f).getName(0).toString();
        if (pkg.equals("http") || pkg.equals("cli") || pkg.equals("discovery") || pkg.equals("deploy")) continue;
        var m = wire.matcher(java.nio.file.Files.readString(f));
        while (m.find()) found.add(root.relativize(f) + ": " + m.group());
      }
    }
    assertThat(found).isEmpty();
  }

  @Test
  void noClassCyclesInsideAPackage() {
    assertThat(ClassCycles.within(CLASSES)).isEmpty();
  }

  @Test
  void checksDoNotKnowLocalState() {
    noClasses().that().resideInAPackage("io.cairn.checks..").should().dependOnClassesThat()
        .resideInAPackage("io.cairn.local..").check(CLASSES);
  }

  @Test
  void httpDoesNotTouchRatis() {
    noClasses().that().resideInAnyPackage("io.cairn.http..", "io.cairn.dns..", "io.cairn.state..")
        .should().dependOnClassesThat().resideInAPackage("org.apache.ratis..").check(CLASSES);
  }

  /**
   * The state may name its log format with Jackson's annotations, and no more: what it keeps as
   * JSON (a service's proxy, a check's definition) it keeps as a string, never as a JSON tree.
   */
  @Test
  void stateHoldsNoJsonTrees() {
    noClasses().that().resideInAPackage("io.cairn.state..").should().dependOnClassesThat()
        .resideInAnyPackage("com.fasterxml.jackson.databind..", "com.fasterxml.jackson.core..").check(CLASSES);
  }

  @Test
  void stateIsPure() {
    noClasses().that().resideInAPackage("io.cairn.state..").should().dependOnClassesThat()
        .resideInAnyPackage("java.net..", "java.nio.file..", "java.io..", "java.time..", "org.slf4j..")
        .check(CLASSES);
  }

  /** Time comes into the state store as a parameter: it never reads a clock. */
  @Test
  void stateReadsNoClock() {
    noClasses().that().resideInAPackage("io.cairn.state..").should()
        .callMethod(System.class, "currentTimeMillis").orShould().callMethod(System.class, "nanoTime")
        .check(CLASSES);
  }
}
