package io.cairn.raft;

import io.cairn.state.Outcome;
import java.util.List;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * The reply to a write: the outcomes the state machine computed, handed to the submitter in this
 * JVM as they are. They are encoded only if Ratis needs the bytes (a reply sent over a transport).
 */
final class OutcomesMessage implements Message {
  private final List<Outcome> outcomes;
  private volatile ByteString content;

  OutcomesMessage(List<Outcome> outcomes) {
    this.outcomes = outcomes;
  }

  List<Outcome> outcomes() {
    return outcomes;
  }

  @Override
  public ByteString getContent() {
    ByteString c = content;
    if (c == null) content = c = ByteString.copyFrom(CommandCodec.encodeOutcomes(outcomes));
    return c;
  }

  @Override
  public String toString() {
    return "outcomes(" + outcomes.size() + ")";
  }
}
