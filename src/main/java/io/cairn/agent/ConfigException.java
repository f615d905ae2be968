package io.cairn.agent;

/** A config file or flag that cannot be used; the message names the file, the key and why. */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }
}
