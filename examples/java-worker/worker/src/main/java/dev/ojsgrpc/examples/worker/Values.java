package dev.ojsgrpc.examples.worker;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

/** Small builders for the JSON-shaped protobuf values (Struct, Value) that jobs carry. */
public final class Values {
  private Values() {}

  /** A string value. */
  public static Value of(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  /** A number value. */
  public static Value of(double d) {
    return Value.newBuilder().setNumberValue(d).build();
  }

  /** A list value. */
  public static Value of(Iterable<Value> items) {
    return Value.newBuilder().setListValue(ListValue.newBuilder().addAllValues(items)).build();
  }

  /** A struct from alternating keys and values: {@code struct("a", of(1), "b", of("x"))}. */
  public static Struct struct(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("struct() takes key, value pairs");
    }
    Struct.Builder b = Struct.newBuilder();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      b.putFields((String) keysAndValues[i], (Value) keysAndValues[i + 1]);
    }
    return b.build();
  }
}
