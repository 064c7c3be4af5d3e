// How a protobuf message of the Kubernetes API becomes its JSON object: one entry per field number.

/**
 * The JSON shape of a field's value. Besides plain scalars and messages, a few apimachinery messages have a
 * JSON form of their own: `time` (meta/v1 Time, RFC 3339 to the second), `quantity` (api/resource Quantity
 * {1: string}, a JSON string), `intOrString` (util/intstr, a JSON number or string), `fieldsV1` (the raw JSON
 * of managedFields), `stringList` (a message {1: repeated string}, a JSON array: authentication ExtraValue).
 * `int` covers int32 and int64; `bytes` becomes base64 as encoding/json writes []byte.
 */
export type ValueType =
  | 'string'
  | 'bool'
  | 'int'
  | 'bytes'
  | 'time'
  | 'quantity'
  | 'intOrString'
  | 'fieldsV1'
  | 'stringList'
  | Schema;

/**
 * One field. `repeated` is a JSON array, `map` a map<string, type> (entries {1: key, 2: value}), `inline` an
 * embedded Go struct that encoding/json flattens into its parent (Volume's VolumeSource, Probe's handler).
 * Go's generated marshallers write every non-pointer field, even empty, so a scalar's zero is dropped, as
 * `omitempty` would, unless `keepZero`: the Go field is a pointer (written only when set) or has no omitempty.
 * A message field present on the wire is always kept, even empty (`emptyDir: {}`), as encoding/json never
 * omits a struct.
 */
export interface FieldSpec {
  readonly name: string;
  readonly type: ValueType;
  readonly kind?: 'repeated' | 'map' | 'inline';
  readonly keepZero?: boolean;
}

export type Schema = Readonly<Record<number, FieldSpec>>;
