package io.cairn.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * /v1/agent/host: the machine the agent runs on, in Consul's shape (Memory, CPU, Host, Disk,
 * CollectionTime, Errors), from what the JVM and /proc tell. What cannot be read is named in
 * Errors rather than left out silently.
 */
final class HostInfo {
  private HostInfo() {}

  static ObjectNode now() {
    ObjectNode out = Wire.object();
    ArrayNode errors = Wire.array();
    var os = ManagementFactory.getOperatingSystemMXBean();
    ObjectNode memory = out.putObject("Memory");
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      long total = sun.getTotalMemorySize();
      long free = sun.getFreeMemorySize();
      memory.put("total", total);
      memory.put("available", free);
      memory.put("used", total - free);
      memory.put("usedPercent", total > 0 ? 100.0 * (total - free) / total : 0);
    } else {
      errors.add("memory: not available from this JVM");
    }
    ArrayNode cpu = out.putArray("CPU");
    for (int i = 0; i < os.getAvailableProcessors(); i++) {
      ObjectNode c = cpu.addObject();
      c.put("cpu", i);
      c.put("modelName", cpuModel());
    }
    ObjectNode host = out.putObject("Host");
    try {
      host.put("hostname", InetAddress.getLocalHost().getHostName());
    } catch (Exception e) {
      errors.add("hostname: " + e.getMessage());
    }
    host.put("uptime", ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
    host.put("os", System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT));
    host.put("kernelVersion", System.getProperty("os.version"));
    host.put("kernelArch", System.getProperty("os.arch"));
    host.put("platform", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    ObjectNode disk = out.putObject("Disk");
    File root = new File(System.getProperty("user.dir"));
    disk.put("path", root.getAbsolutePath());
    disk.put("total", root.getTotalSpace());
    disk.put("free", root.getUsableSpace());
    disk.put("used", root.getTotalSpace() - root.getFreeSpace());
    out.put("CollectionTime", System.currentTimeMillis() * 1_000_000L);
    out.set("Errors", errors);
    return out;
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).strip();
      }
    } catch (Exception e) {
      // not Linux, or /proc hidden: the architecture will do
    }
    return System.getProperty("os.arch");
  }
}
