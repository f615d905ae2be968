package io.cairn.arch;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Holds the import direction of DESIGN.md: cli → agent → http, dns → rpc → local, checks,
 * membership → raft → state. Within the middle layer, local may use checks (it owns the
 * definitions the runners run), never the reverse.
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
        .layer("interfaces").definedBy("io.cairn.http..", "io.cairn.dns..")
        .layer("rpc").definedBy("io.cairn.rpc..")
        .layer("node").definedBy("io.cairn.local..", "io.cairn.checks..", "io.cairn.membership..")
        .layer("raft").definedBy("io.cairn.raft..")
        .layer("state").definedBy("io.cairn.state..")
        .whereLayer("cli").mayNotBeAccessedByAnyLayer()
        .whereLayer("agent").mayOnlyBeAccessedByLayers("cli")
        .whereLayer("interfaces").mayOnlyBeAccessedByLayers("cli", "agent")
        .whereLayer("rpc").mayOnlyBeAccessedByLayers("cli", "agent", "interfaces")
        .whereLayer("node").mayOnlyBeAccessedByLayers("cli", "agent", "interfaces", "rpc")
        .whereLayer("raft").mayOnlyBeAccessedByLayers("cli", "agent", "interfaces", "rpc", "node")
        .check(CLASSES);
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
}
