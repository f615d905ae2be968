package io.cairn.state;

import java.util.function.Function;

/**
 * A backup being restored in parts (the restore-chunk command): at most one at a time, and
 * what has arrived of it. It is replicated state like any other (it is in the snapshot image),
 * so a server restarted midway, or one that installs the leader's snapshot, finishes the same
 * restore as the others.
 */
public final class StagedRestore {
  private String restoreId;
  private int nextSeq;
  private final ImageParts parts = new ImageParts();
  /** The last restore that finished: a resend of its last part is answered, not refused. */
  private String finished;

  /**
   * Takes one part. Part 0 starts a restore (dropping an unfinished one); later parts must come
   * in order; a part sent again is answered and adds nothing. The last hands everything that
   * arrived to {@code replace} and answers with what it says.
   */
  Outcome accept(String id, int seq, Image part, boolean last, Function<Image, Outcome> replace) {
    if (id == null || id.isEmpty() || part == null) return Outcome.error("Invalid snapshot part: no restore ID or content");
    boolean ours = id.equals(restoreId);
    if (ours && seq < nextSeq || !ours && id.equals(finished)) return Outcome.OK;  // a resend
    if (seq == 0) {
      start(id);
    } else if (!ours) {
      return Outcome.error("No restore \"" + id + "\" is under way");
    } else if (seq != nextSeq) {
      return Outcome.error("Part " + seq + " of restore \"" + id + "\" came before part " + nextSeq);
    }
    parts.append(part);
    nextSeq++;
    if (!last) return Outcome.OK;
    Image whole = parts.image();
    drop();
    finished = id;
    return replace.apply(whole);
  }

  /** Drops the restore under way if it is {@code id} (its upload failed). */
  void abort(String id) {
    if (id != null && id.equals(restoreId)) drop();
  }

  private void start(String id) {
    drop();
    restoreId = id;
  }

  private void drop() {
    restoreId = null;
    nextSeq = 0;
    parts.clear();
  }

  // --- snapshots ---

  /** The restore under way, or null if none. */
  Image.Staged image() {
    return restoreId == null ? null : new Image.Staged(restoreId, nextSeq, parts.image());
  }

  void restore(Image.Staged img) {
    drop();
    finished = null;
    if (img == null) return;
    restoreId = img.restoreId();
    nextSeq = img.nextSeq();
    if (img.parts() != null) parts.append(img.parts());
  }
}
