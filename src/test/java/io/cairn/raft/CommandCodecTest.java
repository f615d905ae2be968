package io.cairn.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cairn.state.CheckStatus;
import io.cairn.state.Command;
import io.cairn.state.HealthCheck;
import io.cairn.state.Locality;
import io.cairn.state.ServiceAddress;
import io.cairn.state.ServiceInstance;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The strict reading rules of the log format (docs/log-format.md). */
class CommandCodecTest {

  @Test
  void anUnknownCommandTypeIsRefused() {
    LogFormatException e = refused("{\"v\":1,\"@\":\"kv-frobnicate\",\"key\":\"a\"}");
    assertThat(e).hasMessage("unknown command type \"kv-frobnicate\"");
    assertThat(e.format()).isEqualTo(1);
    assertThat(e.ignorable()).isFalse();
  }

  @Test
  void anUnknownCommandTypeInsideABatchIsRefused() {
    LogFormatException e = refused("{\"v\":1,\"@\":\"batch\",\"commands\":[{\"@\":\"noop\"},"
        + "{\"@\":\"once\",\"requestId\":\"r\",\"command\":{\"@\":\"kv-frobnicate\"}}]}");
    assertThat(e).hasMessage("unknown command type \"kv-frobnicate\"");
  }

  @Test
  void anUnknownFieldIsRefused() {
    LogFormatException e = refused("{\"v\":1,\"@\":\"kv-set\",\"key\":\"a\",\"flags\":0,\"ttl\":\"5s\"}");
    assertThat(e).hasMessage("unknown field \"ttl\" in KvSet");
  }

  @Test
  void anUnknownFieldOfANestedRecordIsRefused() {
    LogFormatException e = refused("{\"v\":1,\"@\":\"session-create\",\"session\":{\"id\":\"s\",\"node\":\"n\",\"tenant\":\"x\"}}");
    assertThat(e).hasMessage("unknown field \"tenant\" in Session");
  }

  @Test
  void aFieldTheRecordsIgnoreOnOutputIsRefusedOnInput() {
    LogFormatException e = refused("{\"v\":1,\"@\":\"session-create\",\"session\":{\"id\":\"s\",\"allChecksView\":[]}}");
    assertThat(e).hasMessageContaining("allChecksView");
  }

  @Test
  void anUnknownEnumValueIsRefused() {
    LogFormatException e = refused("{\"v\":1,\"@\":\"catalog-register\",\"node\":\"n\",\"checks\":[{\"checkId\":\"c\",\"status\":\"MAINTENANCE\"}]}");
    assertThat(e).hasMessageContaining("MAINTENANCE");
  }

  @Test
  void anUnknownFieldInAnUnversionedEntryIsRefused() {
    LogFormatException e = refused("{\"@\":\"kv-delete\",\"key\":\"a\",\"recurse\":false,\"cas\":null,\"prefix\":true}");
    assertThat(e).hasMessage("unknown field \"prefix\" in KvDelete");
    assertThat(e.format()).isZero();
  }

  @Test
  void aNewerFormatIsRefusedBeforeItsContentIsRead() {
    LogFormatException e = refused("{\"v\":2,\"@\":\"kv-set\",\"key\":\"a\",\"whatever\":{}}");
    assertThat(e).hasMessage("format 2 is newer than this server reads (up to 1)");
    assertThat(e.format()).isEqualTo(2);
    assertThat(e.ignorable()).isFalse();
  }

  @Test
  void aNewerFormatMarkedIgnorableSaysSo() {
    LogFormatException e = refused("{\"v\":7,\"ignorable\":true,\"checksum\":\"x\",\"@\":\"metrics\"}");
    assertThat(e.ignorable()).isTrue();
    assertThat(e.format()).isEqualTo(7);
  }

  @Test
  void anUnknownCommandMarkedIgnorableSaysSo() {
    LogFormatException e = refused("{\"v\":1,\"ignorable\":true,\"@\":\"autopilot-state\",\"healthy\":3}");
    assertThat(e.ignorable()).isTrue();
    assertThat(e).hasMessage("unknown command type \"autopilot-state\"");
  }

  @Test
  void bytesThatAreNoEntryAreRefused() {
    assertThat(refused("[1,2]")).hasMessage("not a JSON object");
    assertThat(refused("{\"v\":\"1\",\"@\":\"noop\"}")).hasMessageContaining("format version");
    assertThat(refused("{\"v\":0,\"@\":\"noop\"}")).hasMessageContaining("format version");
    assertThat(refused("{\"v\":1,\"key\":\"a\",\"@\":\"kv-set\"}")).hasMessageContaining("no command type");
    assertThat(refused("{\"v\":1,\"@\":\"noop\"} {}")).hasMessage("data after the end of the entry");
    assertThat(refused("{\"v\":1,\"@\":\"kv-set\",\"key\":")).isNotNull();
    assertThat(refused("{\"v\":1,\"ignorable\":\"yes\",\"@\":\"noop\"}")).hasMessageContaining("ignorable");
  }

  @Test
  void onlyCommandsThatChangeNoStateAreMarkedIgnorable() {
    assertThat(text(CommandCodec.encode(new Command.Noop()))).isEqualTo("{\"v\":1,\"ignorable\":true,\"@\":\"noop\"}");
    assertThat(CommandCodec.ignorable(new Command.Batch(List.of(new Command.Noop(), new Command.Noop())))).isTrue();
    assertThat(CommandCodec.ignorable(new Command.Batch(List.of()))).isFalse();
    assertThat(CommandCodec.ignorable(new Command.Batch(List.of(new Command.Noop(),
        new Command.KvDelete("a", false, null))))).isFalse();
    assertThat(CommandCodec.ignorable(new Command.Once("r", new Command.Noop()))).isFalse();
    LogSamples.commands().forEach((name, c) ->
        assertThat(CommandCodec.ignorable(c)).as(name).isEqualTo(name.equals("noop")));
  }

  @Test
  void theEntryTypeIsReadForTheLogLineEvenWhenTheEntryIsRefused() {
    assertThat(type("{\"v\":3,\"x\":{\"@\":\"inner\"},\"@\":\"batch\",\"commands\":[]}")).isEqualTo("batch");
    assertThat(type("{\"@\":\"kv-set\"}")).isEqualTo("kv-set");
    assertThat(type("not json")).isEqualTo("unknown");
    assertThat(type("{\"v\":1}")).isEqualTo("unknown");
  }

  @Test
  void aNewerSnapshotImageIsRefused() {
    LogFormatException e = catchThrowableOfType(LogFormatException.class,
        () -> CommandCodec.readImage(in("{\"v\":2,\"index\":5}")));
    assertThat(e).hasMessage("format 2 is newer than this server reads (up to 1)");
  }

  @Test
  void aSnapshotImageWithAnUnknownFieldIsRefused() {
    LogFormatException e = catchThrowableOfType(LogFormatException.class,
        () -> CommandCodec.readImage(in("{\"v\":1,\"index\":5,\"topicIndexes\":{}}")));
    assertThat(e).hasMessage("unknown field \"topicIndexes\" in Image");
    LogFormatException unversioned = catchThrowableOfType(LogFormatException.class,
        () -> CommandCodec.readImage(in("{\"index\":5,\"userEvents\":[]}")));
    assertThat(unversioned).hasMessage("unknown field \"userEvents\" in Image");
  }

  @Test
  void aSnapshotImageIsNeverIgnorable() {
    LogFormatException e = catchThrowableOfType(LogFormatException.class,
        () -> CommandCodec.readImage(in("{\"v\":1,\"ignorable\":true,\"index\":5}")));
    assertThat(e).hasMessage("unknown field \"ignorable\" in Image");
  }

  @Test
  void aServiceWithoutPassThroughFieldsIsWrittenAsBeforeTheyExisted() {
    ServiceInstance plain = new ServiceInstance("n", "web1", "web", List.of(), "", 80, Map.of(), false, 1, 1, 0, 0);
    String entry = text(CommandCodec.encode(register(plain.withPassThrough("", Map.of(), "", null, "{}", " "), null)));
    assertThat(entry).doesNotContain("\"kind\"", "taggedAddresses\":{\"", "socketPath", "locality", "proxy", "connect")
        .isEqualTo(text(CommandCodec.encode(register(plain, null))));
  }

  @Test
  void passThroughFieldsRoundTripAndAnEntryWithoutThemReadsThemAsNull() throws Exception {
    ServiceInstance mesh = new ServiceInstance("n", "web1-proxy", "web-proxy", List.of(), "", 21000, Map.of(), false, 1, 1,
        "connect-proxy", Map.of("wan", new ServiceAddress("198.51.100.9", 443)), "/run/p.sock",
        new Locality("r", ""), "{\"DestinationServiceName\":\"web\"}", "{\"Native\":true}", 0, 0);
    Command sent = register(mesh, "{\"TCP\":\"10.0.0.1:21000\",\"Interval\":\"10s\"}");
    assertThat(CommandCodec.decode(in(text(CommandCodec.encode(sent))))).isEqualTo(sent);

    Command old = CommandCodec.decode(in("{\"v\":1,\"@\":\"catalog-register\",\"node\":\"n\",\"skipNodeUpdate\":true,"
        + "\"service\":{\"node\":\"n\",\"id\":\"web1\",\"name\":\"web\",\"port\":80},\"checks\":[{\"node\":\"n\","
        + "\"checkId\":\"c\",\"status\":\"PASSING\",\"serviceId\":\"web1\"}]}"));
    Command.CatalogRegister r = (Command.CatalogRegister) old;
    assertThat(r.service().kind()).isNull();
    assertThat(r.service().taggedAddresses()).isNull();
    assertThat(r.service().proxy()).isNull();
    assertThat(r.service().connect()).isNull();
    assertThat(r.service().locality()).isNull();
    assertThat(r.checks().getFirst().definition()).isNull();
  }

  @Test
  void anUnknownFieldOfATaggedAddressIsRefused() {
    LogFormatException e = refused("{\"v\":1,\"@\":\"catalog-register\",\"node\":\"n\",\"service\":{\"id\":\"s\","
        + "\"name\":\"s\",\"taggedAddresses\":{\"wan\":{\"address\":\"a\",\"port\":1,\"weight\":2}}}}");
    assertThat(e).hasMessage("unknown field \"weight\" in ServiceAddress");
  }

  private static Command register(ServiceInstance s, String checkDefinition) {
    HealthCheck check = new HealthCheck("n", "c", "c", CheckStatus.PASSING, "", "", s.id(), s.name(), List.of(), "tcp",
        "", "", checkDefinition, 0, 0);
    return new Command.CatalogRegister("", "n", "10.0.0.1", "dc1", Map.of(), Map.of(), true, s, List.of(check));
  }

  private static LogFormatException refused(String entry) {
    LogFormatException e = catchThrowableOfType(LogFormatException.class, () -> CommandCodec.decode(in(entry)));
    assertThat(e).as("refused: " + entry).isNotNull();
    return e;
  }

  private static String type(String entry) {
    return CommandCodec.entryType(in(entry));
  }

  private static ByteArrayInputStream in(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
