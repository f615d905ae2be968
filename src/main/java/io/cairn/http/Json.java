package io.cairn.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The API's one JSON mapper, shared by every part of the wire mapping. */
final class Json {
  // Jackson's default buffer pool is per thread; requests run on virtual threads, so only a
  // shared pool lets the buffers be reused at all.
  static final ObjectMapper MAPPER = JsonMapper.builder(
      JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build()).build();

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }
}
