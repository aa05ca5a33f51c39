/**
 * Malformed helper requests for §8.12 (refusals.test.ts): what is sent, and what the refusal must
 * say. Each must be refused quickly, with bounded memory and nothing left behind.
 */
const id = '00000000-0000-4000-8000-000000000000'

export const MALFORMED_REQUESTS: Array<[string, string | Buffer, RegExp]> = [
  ['10 MB of JSON', Buffer.alloc(10 * 1024 * 1024, 0x20), /larger than 4096/],
  ['deep nesting', `{"op":"delete","id":${'['.repeat(50)}${']'.repeat(50)}}`, /nesting too deep/],
  [
    'duplicate keys',
    `{"op":"delete","id":"${id}","id":"11111111-1111-4111-8111-111111111111"}`,
    /duplicate key/
  ],
  ['duplicate op', `{"op":"restore","op":"delete","id":"${id}"}`, /duplicate key/],
  ['a raw NUL', `{"op":"delete","id":"${id}"}\0`, /NUL/],
  ['an escaped NUL', `{"op":"delete","id":"${id}\\u0000"}`, /NUL/],
  [
    'invalid UTF-8',
    Buffer.concat([
      Buffer.from('{"op":"delete","id":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}')
    ]),
    /UTF-8/
  ],
  ['an unknown key', `{"op":"delete","id":"${id}","path":"/etc"}`, /unknown key/],
  ['trailing data', `{"op":"delete","id":"${id}"} {}`, /trailing/],
  ['an array', `["delete"]`, /not a JSON object/],
  ['empty input', '', /empty request/],
  [
    'a CRIU flag in choices',
    `{"op":"dump","pid":100,"startTicks":1,"choices":{"tcpEstablished":true}}`,
    /unknown key/
  ],
  [
    'a non-boolean choice',
    `{"op":"dump","pid":100,"startTicks":1,"choices":{"shellJob":"yes"}}`,
    /true or false/
  ],
  ['a name with a slash', `{"op":"dump","pid":100,"startTicks":1,"name":"../x"}`, /name must be/]
]
