package io.cairn.state;

/**
 * A prepared query as stored: its identity, what the state itself needs (the name, which must
 * be unique; the session whose end deletes it; whether it is a template, which makes its name a
 * prefix), and the rest of Consul's definition as the JSON it was given, read by whoever runs it.
 */
public record PreparedQuery(String id, String name, String session, boolean template, String definition,
                            long createIndex, long modifyIndex) {

  PreparedQuery at(long create, long modify) {
    return new PreparedQuery(id, name, session, template, definition, create, modify);
  }
}
