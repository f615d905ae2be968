package io.cairn.discovery;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokens in an embedded SQLite database file, the discovery service's default store. Every
 * change is one transaction, committed before it is answered. The file is this process's alone
 * (SQLite's exclusive locking mode: a second service on the same data directory fails to
 * start), so a copy of every record is kept in memory and reads never touch the file; writes go
 * through one connection, one at a time, and reach the memory copy only once committed.
 */
public final class SqliteTokenStore implements TokenStore {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteTokenStore.class);
  private static final int SCHEMA_VERSION = 1;

  private final Connection db;
  private final Map<Token, TokenRecord> records = new ConcurrentHashMap<>();
  private final Object writeLock = new Object();
  private final PreparedStatement insertToken;
  private final PreparedStatement touchToken;
  private final PreparedStatement deleteToken;
  private final PreparedStatement clearListed;
  private final PreparedStatement insertListed;
  private final PreparedStatement upsertPosted;
  private final PreparedStatement deletePosted;
  private final PreparedStatement deleteExpired;

  private SqliteTokenStore(Connection db) throws SQLException {
    this.db = db;
    insertToken = db.prepareStatement("INSERT INTO token (token, last_used_ms) VALUES (?, ?)");
    touchToken = db.prepareStatement("UPDATE token SET last_used_ms = ? WHERE token = ?");
    deleteToken = db.prepareStatement("DELETE FROM token WHERE token = ?");
    clearListed = db.prepareStatement("DELETE FROM listed WHERE token = ?");
    insertListed = db.prepareStatement("INSERT INTO listed (token, position, address) VALUES (?, ?, ?)");
    upsertPosted = db.prepareStatement("INSERT INTO posted (token, address, expires_ms) VALUES (?, ?, ?)"
        + " ON CONFLICT (token, address) DO UPDATE SET expires_ms = excluded.expires_ms");
    deletePosted = db.prepareStatement("DELETE FROM posted WHERE token = ? AND address = ?");
    deleteExpired = db.prepareStatement("DELETE FROM posted WHERE expires_ms <= ?");
  }

  /** Opens (or creates) the database file and reads every token into memory. */
  public static SqliteTokenStore open(Path file) {
    Connection db = null;
    try {
      db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = db.createStatement()) {
        // Another process holding the file is an error to report at once, not a lock to wait for.
        s.execute("PRAGMA busy_timeout = 100");
        s.execute("PRAGMA locking_mode = EXCLUSIVE");
        s.execute("PRAGMA journal_mode = WAL");
        // FULL: a commit is on disk (the WAL synced) before the request is answered.
        s.execute("PRAGMA synchronous = FULL");
        s.execute("PRAGMA foreign_keys = ON");
      }
      createSchema(db);
      SqliteTokenStore store = new SqliteTokenStore(db);
      store.load();
      LOG.info("token store {}: {} tokens", file, store.records.size());
      return store;
    } catch (SQLException e) {
      closeQuietly(db);
      String why = e.getMessage() != null && e.getMessage().contains("locked")
          ? "in use by another process (is a discovery service already running on this data directory?)" : e.getMessage();
      throw new StoreFailedException("cannot open token store " + file + ": " + why, e);
    }
  }

  private static void createSchema(Connection db) throws SQLException {
    db.setAutoCommit(false);
    try (Statement s = db.createStatement()) {
      int version;
      try (ResultSet r = s.executeQuery("PRAGMA user_version")) {
        version = r.getInt(1);
      }
      if (version > SCHEMA_VERSION) {
        throw new SQLException("schema version " + version + " is newer than this cairn knows (" + SCHEMA_VERSION + ")");
      }
      s.execute("CREATE TABLE IF NOT EXISTS token (token TEXT PRIMARY KEY, last_used_ms INTEGER NOT NULL) WITHOUT ROWID");
      s.execute("CREATE TABLE IF NOT EXISTS listed (token TEXT NOT NULL REFERENCES token (token) ON DELETE CASCADE,"
          + " position INTEGER NOT NULL, address TEXT NOT NULL, PRIMARY KEY (token, position)) WITHOUT ROWID");
      s.execute("CREATE TABLE IF NOT EXISTS posted (token TEXT NOT NULL REFERENCES token (token) ON DELETE CASCADE,"
          + " address TEXT NOT NULL, expires_ms INTEGER NOT NULL, PRIMARY KEY (token, address)) WITHOUT ROWID");
      s.execute("CREATE INDEX IF NOT EXISTS posted_expiry ON posted (expires_ms)");
      s.execute("PRAGMA user_version = " + SCHEMA_VERSION);
      db.commit();
    } catch (SQLException e) {
      db.rollback();
      throw e;
    }
  }

  private void load() throws SQLException {
    Map<Token, Instant> lastUsed = new HashMap<>();
    Map<Token, List<ServerAddress>> listed = new HashMap<>();
    Map<Token, TreeMap<ServerAddress, Instant>> posted = new HashMap<>();
    try (Statement s = db.createStatement()) {
      try (ResultSet r = s.executeQuery("SELECT token, last_used_ms FROM token")) {
        while (r.next()) lastUsed.put(new Token(r.getString(1)), Instant.ofEpochMilli(r.getLong(2)));
      }
      try (ResultSet r = s.executeQuery("SELECT token, address FROM listed ORDER BY token, position")) {
        while (r.next()) {
          listed.computeIfAbsent(new Token(r.getString(1)), t -> new ArrayList<>()).add(ServerAddress.parse(r.getString(2)));
        }
      }
      try (ResultSet r = s.executeQuery("SELECT token, address, expires_ms FROM posted")) {
        while (r.next()) {
          posted.computeIfAbsent(new Token(r.getString(1)), t -> new TreeMap<>())
              .put(ServerAddress.parse(r.getString(2)), Instant.ofEpochMilli(r.getLong(3)));
        }
      }
    }
    db.commit();
    lastUsed.forEach((t, used) -> records.put(t,
        new TokenRecord(t, listed.getOrDefault(t, List.of()), posted.getOrDefault(t, new TreeMap<>()), used)));
  }

  @Override
  public boolean create(TokenRecord fresh) {
    synchronized (writeLock) {
      if (records.containsKey(fresh.token())) return false;
      transaction("create " + fresh.token(), () -> {
        insertToken.setString(1, fresh.token().value());
        insertToken.setLong(2, fresh.lastUsed().toEpochMilli());
        insertToken.executeUpdate();
        writeChanges(TokenRecord.fresh(fresh.token(), fresh.lastUsed()), fresh);
      });
      records.put(fresh.token(), fresh);
      return true;
    }
  }

  @Override
  public Optional<TokenRecord> find(Token token) {
    return Optional.ofNullable(records.get(token));
  }

  @Override
  public Optional<TokenRecord> update(Token token, UnaryOperator<TokenRecord> change) {
    synchronized (writeLock) {
      TokenRecord old = records.get(token);
      if (old == null) return Optional.empty();
      TokenRecord next = Objects.requireNonNull(change.apply(old));
      if (!next.token().equals(token)) throw new IllegalArgumentException("a change cannot move a record to another token");
      if (next.equals(old)) return Optional.of(old);
      transaction("update " + token, () -> writeChanges(old, next));
      records.put(token, next);
      return Optional.of(next);
    }
  }

  /** Writes what differs between two versions of one token's record. */
  private void writeChanges(TokenRecord old, TokenRecord next) throws SQLException {
    String t = next.token().value();
    if (!next.lastUsed().equals(old.lastUsed())) {
      touchToken.setLong(1, next.lastUsed().toEpochMilli());
      touchToken.setString(2, t);
      touchToken.executeUpdate();
    }
    if (!next.listed().equals(old.listed())) {
      clearListed.setString(1, t);
      clearListed.executeUpdate();
      for (int i = 0; i < next.listed().size(); i++) {
        insertListed.setString(1, t);
        insertListed.setInt(2, i);
        insertListed.setString(3, next.listed().get(i).toString());
        insertListed.addBatch();
      }
      insertListed.executeBatch();
    }
    for (var e : next.posted().entrySet()) {
      if (e.getValue().equals(old.posted().get(e.getKey()))) continue;
      upsertPosted.setString(1, t);
      upsertPosted.setString(2, e.getKey().toString());
      upsertPosted.setLong(3, e.getValue().toEpochMilli());
      upsertPosted.executeUpdate();
    }
    for (ServerAddress gone : old.posted().keySet()) {
      if (next.posted().containsKey(gone)) continue;
      deletePosted.setString(1, t);
      deletePosted.setString(2, gone.toString());
      deletePosted.executeUpdate();
    }
  }

  @Override
  public int sweep(Instant idleCutoff, Instant now) {
    synchronized (writeLock) {
      List<Token> idle = new ArrayList<>();
      Map<Token, TokenRecord> trimmed = new HashMap<>();
      for (TokenRecord r : records.values()) {
        if (r.lastUsed().isBefore(idleCutoff)) {
          idle.add(r.token());
        } else {
          TokenRecord live = r.withoutExpired(now);
          if (live != r) trimmed.put(r.token(), live);
        }
      }
      if (idle.isEmpty() && trimmed.isEmpty()) return 0;
      transaction("sweep", () -> {
        for (Token t : idle) {
          deleteToken.setString(1, t.value());
          deleteToken.addBatch();
        }
        deleteToken.executeBatch();
        deleteExpired.setLong(1, now.toEpochMilli());
        deleteExpired.executeUpdate();
      });
      idle.forEach(records::remove);
      records.putAll(trimmed);
      return idle.size();
    }
  }

  @Override
  public int size() {
    return records.size();
  }

  private interface SqlWork {
    void run() throws SQLException;
  }

  /** Runs {@code work} as one transaction: all of it is committed, or none of it and the caller gets the error. */
  private void transaction(String what, SqlWork work) {
    try {
      work.run();
      db.commit();
    } catch (SQLException e) {
      try {
        db.rollback();
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      throw new StoreFailedException("token store: " + what + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    synchronized (writeLock) {
      closeQuietly(db);
    }
  }

  private static void closeQuietly(Connection c) {
    if (c == null) return;
    try {
      c.close();
    } catch (SQLException e) {
      LOG.warn("closing token store: {}", e.toString());
    }
  }
}
