package io.cairn.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.agent.Hcl;
import io.cairn.agent.HclParseException;
import io.cairn.http.Fields;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A service definition file as Consul's {@code services register} reads it: JSON or HCL with a
 * top-level {@code service} block (or a {@code services} list). The blocks go to the agent as
 * they are: its decoder takes Consul's snake_case config names as well as the API's CamelCase.
 */
record ServiceDefinitionFile(Path path, List<ObjectNode> services) {

  static ServiceDefinitionFile read(Path path) {
    String text;
    try {
      text = Files.readString(path);
    } catch (IOException e) {
      throw new ClientError("cannot read " + path + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
    }
    JsonNode tree = parse(path, text);
    if (!tree.isObject()) throw new ClientError(path + ": expected an object at the top");
    Fields top = new Fields(tree, path.toString());
    List<ObjectNode> services = new ArrayList<>();
    top.get("service").ifPresent(n -> collect(path, n, services));
    top.get("services").ifPresent(n -> collect(path, n, services));
    if (services.isEmpty()) throw new ClientError(path + ": no service definition (expected a top-level \"service\" block)");
    return new ServiceDefinitionFile(path, services);
  }

  /** The service's ID, which the agent defaults to its name. */
  static String id(ObjectNode service, String where) {
    Fields f = new Fields(service, where);
    String id = text(f, "ID");
    return id == null || id.isEmpty() ? text(f, "Name") : id;
  }

  static String name(ObjectNode service, String where) {
    return text(new Fields(service, where), "Name");
  }

  private static String text(Fields f, String name) {
    try {
      return f.text(name);
    } catch (IllegalArgumentException e) {
      throw new ClientError(e.getMessage(), e);
    }
  }

  private static JsonNode parse(Path path, String text) {
    String name = path.getFileName().toString();
    // Consul goes by the extension; for anything else, JSON is an object and HCL never starts with '{'.
    boolean hcl = name.endsWith(".hcl") || (!name.endsWith(".json") && !text.stripLeading().startsWith("{"));
    try {
      return hcl ? Hcl.parse(text, path.toString()) : ApiClient.JSON.readTree(text);
    } catch (HclParseException e) {
      throw new ClientError(e.getMessage(), e);
    } catch (JsonProcessingException e) {
      throw new ClientError(path + ": invalid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static void collect(Path path, JsonNode node, List<ObjectNode> into) {
    if (node instanceof ObjectNode o) {
      into.add(o);
    } else if (node.isArray()) {
      for (JsonNode n : node) {
        if (!(n instanceof ObjectNode o)) throw new ClientError(path + ": a service definition must be an object");
        into.add(o);
      }
    } else {
      throw new ClientError(path + ": a service definition must be an object");
    }
  }
}
