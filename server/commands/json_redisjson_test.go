package commands

import "testing"

// Expectations ported from RedisJSON's own test suite (tests/pytest/test.py
// and tests/pytest/test_multi.py in RedisJSON/RedisJSON), one sub-test per
// pytest function, named after it. Python's assertEqual on parsed JSON is
// written here as the exact text RedisJSON sends (serde_json output); where
// the pytest only checks raiseError()/contains(), the full error text comes
// from RedisJSON's source (redis_json/src/commands.rs, key_value.rs,
// ivalue_manager.rs, manager.rs and redis-module-rs's verify_type).
//
// Where a pytest passes a Python literal, the argument here is what
// redis-py sends (the number -0 is sent as "0"). Where it only checks
// .raiseError().contains(...), the rest of the text is RedisJSON's as
// AiKv's parser reproduces it (serde_json positions, pest expectations).
func TestJSONRedisJSONSuite(t *testing.T) {
	cases := []struct{ name, script string }{
		// test_multi.py: testStrAppendCommand, testStrLenCommand.
		{"multi/testStrAppendCommand", `
JSON.SET doc1 $ '{"a":"foo", "nested1": {"a": "hello"}, "nested2": {"a": 31}}' => OK
JSON.STRAPPEND doc1 $..a '"bar"' => [6 8 nil]
JSON.GET doc1 $ => [{"a":"foobar","nested1":{"a":"hellobar"},"nested2":{"a":31}}]
JSON.STRAPPEND doc1 $.nested1.a '"baz"' => [11]
JSON.GET doc1 $ => [{"a":"foobar","nested1":{"a":"hellobarbaz"},"nested2":{"a":31}}]
JSON.STRAPPEND non_existing_doc $..a '"err"' => !ERR could not perform this operation on a key that doesn't exist
JSON.SET doc1 $ '{"a":"foo", "nested1": {"a": "hello"}, "nested2": {"a": 31}}' => OK
JSON.STRAPPEND doc1 .*.a '"bar"' => 8
JSON.GET doc1 $ => [{"a":"foo","nested1":{"a":"hellobar"},"nested2":{"a":31}}]
JSON.SET doc1 $ '"abcd"' => OK
JSON.STRAPPEND doc1 '"piu"' => 7
`},
		{"multi/testStrLenCommand", `
JSON.SET doc1 $ '{"a":"foo", "nested1": {"a": "hello"}, "nested2": {"a": 31}}' => OK
JSON.STRLEN doc1 $..a => [3 5 nil]
JSON.STRAPPEND doc1 $..a '"bar"' => [6 8 nil]
JSON.STRLEN doc1 $..a => [6 8 nil]
JSON.STRLEN doc1 $.nested1.a => [8]
JSON.STRLEN doc1 $.nested2.a => [nil]
JSON.STRLEN non_existing_doc $..a => !ERR could not perform this operation on a key that doesn't exist
JSON.STRLEN doc1 ..a => 6
JSON.SET doc1 $ '"kantele"' => OK
JSON.STRLEN doc1 => 7
`},
		// test.py: testStrCommands.
		{"test/testStrCommands", `
JSON.SET test . '"foo"' => OK
JSON.TYPE test . => string
JSON.STRLEN test . => 3
JSON.STRAPPEND test . '"bar"' => 6
JSON.GET test . => "foobar"
`},
		// test_multi.py: testArrAppendCommand.
		{"multi/testArrAppendCommand", `
JSON.SET doc1 $ '{"a":["foo"], "nested1": {"a": ["hello", null, "world"]}, "nested2": {"a": 31}}' => OK
JSON.ARRAPPEND doc1 $..a '"bar"' '"racuda"' => [3 5 nil]
JSON.GET doc1 $ => [{"a":["foo","bar","racuda"],"nested1":{"a":["hello",null,"world","bar","racuda"]},"nested2":{"a":31}}]
JSON.ARRAPPEND doc1 $.nested1.a '"baz"' => [6]
JSON.ARRAPPEND non_existing_doc $..a => !ERR wrong number of arguments for 'JSON.ARRAPPEND' command
JSON.ARRAPPEND non_existing_doc $..a 1 => !ERR could not perform this operation on a key that doesn't exist
JSON.SET doc1 $ '{"a":["foo"], "nested1": {"a": ["hello", null, "world"]}, "nested2": {"a": 31}}' => OK
JSON.ARRAPPEND doc1 ..a '"bar"' '"racuda"' => 5
JSON.GET doc1 $ => [{"a":["foo","bar","racuda"],"nested1":{"a":["hello",null,"world","bar","racuda"]},"nested2":{"a":31}}]
JSON.ARRAPPEND doc1 .nested1.a '"baz"' => 6
JSON.GET doc1 $ => [{"a":["foo","bar","racuda"],"nested1":{"a":["hello",null,"world","bar","racuda","baz"]},"nested2":{"a":31}}]
JSON.ARRAPPEND non_existing_doc ..a 1 => !ERR could not perform this operation on a key that doesn't exist
`},
		// test_multi.py: testArrLenCommand.
		{"multi/testArrLenCommand", `
JSON.SET doc1 $ '{"a":["foo"], "nested1": {"a": ["hello", null, "world"]}, "nested2": {"a": 31}}' => OK
JSON.ARRLEN doc1 $..a => [1 3 nil]
JSON.ARRAPPEND doc1 $..a '"non"' '"abba"' '"stanza"' => [4 6 nil]
JSON.CLEAR doc1 $.a => 1
JSON.ARRLEN doc1 $..a => [0 6 nil]
JSON.ARRLEN doc1 $.nested1.a => [6]
JSON.ARRLEN non_existing_doc $..a => !ERR could not perform this operation on a key that doesn't exist
JSON.SET doc1 $ '{"a":["foo"], "nested1": {"a": ["hello", null, "world"]}, "nested2": {"a": 31}}' => OK
JSON.ARRAPPEND doc1 ..a '"non"' '"abba"' '"stanza"' => 6
JSON.ARRLEN doc1 .nested1.a => 6
JSON.ARRLEN non_existing_doc ..a => nil
JSON.SET doc1 $ '[0, 1, 2, 3, 4]' => OK
JSON.ARRLEN doc1 => 5
`},
		// test.py: testLenCommands.
		{"test/testLenCommands", `
JSON.ARRLEN foo .bar => nil
JSON.SET test . '{"string": "string value", "none": null, "bool": true, "int": 42, "num": 4.2, "arr": [42, null, -1.2, false, ["sub", "array"], {"subdict": true}], "dict": {"a": 1, "b": "2", "c": null}}' => OK
JSON.STRLEN test .string => 12
JSON.OBJLEN test .dict => 3
JSON.ARRLEN test .arr => 6
JSON.ARRLEN test .bool => !ERR Path '.bool' does not exist or not an array
JSON.STRLEN test .none => !WRONGTYPE wrong type of path value - expected string but found null
JSON.OBJLEN test .int => !WRONGTYPE wrong type of path value - expected object but found integer
JSON.STRLEN test .num => !WRONGTYPE wrong type of path value - expected string but found number
JSON.ARRLEN test .foo => !ERR Path '.foo' does not exist
JSON.ARRLEN test .arr[999] => !ERR Path '.arr[999]' does not exist
JSON.ARRLEN test .arr[4294967295] => !ERR Path '.arr[4294967295]' does not exist
`},
		// test_multi.py: testNumByCommands.
		{"multi/testNumByCommands", `
JSON.SET doc1 $ '{"a":"b","b":[{"a":2}, {"a":5.0}, {"a":"c"}]}' => OK
JSON.NUMINCRBY doc1 $..a 2 => [null,4,7.0,null]
JSON.NUMINCRBY doc1 $..a 2.5 => [null,6.5,9.5,null]
JSON.NUMINCRBY doc1 $.b[1].a 2 => [11.5]
JSON.NUMINCRBY doc1 $.b[2].a 2 => [null]
JSON.NUMINCRBY doc1 $.b[1].a 3.5 => [15.0]
JSON.SET doc1 $ '{"a":"b","b":[{"a":2}, {"a":5.0}, {"a":"c"}]}' => OK
JSON.NUMMULTBY doc1 $..a 2 => [null,4,10.0,null]
JSON.NUMMULTBY doc1 $..a 2.5 => [null,10.0,25.0,null]
JSON.NUMMULTBY doc1 $.b[1].a 2 => [50.0]
JSON.NUMMULTBY doc1 $.b[2].a 2 => [null]
JSON.NUMMULTBY doc1 $.b[1].a 3 => [150.0]
JSON.SET doc1 $ '{"a":"b","b":[{"a":2}, {"a":5.0}, {"a":"c"}]}' => OK
JSON.NUMPOWBY doc1 $..a 2 => [null,4,25.0,null]
JSON.NUMPOWBY doc1 $..a 2 => [null,16,625.0,null]
JSON.NUMPOWBY doc1 $.b[1].a 2 => [390625.0]
JSON.NUMPOWBY doc1 $.b[2].a 2 => [null]
JSON.NUMPOWBY doc1 $.b[1].a 3 => [5.960464477539062e16]
JSON.NUMINCRBY non_existing_doc $..a 2 => !ERR could not perform this operation on a key that doesn't exist
JSON.NUMMULTBY non_existing_doc $..a 2 => !ERR could not perform this operation on a key that doesn't exist
JSON.NUMPOWBY non_existing_doc $..a 2 => !ERR could not perform this operation on a key that doesn't exist
JSON.SET doc1 $ '{"a":"b","b":[{"a":2}, {"a":5.0}, {"a":"c"}]}' => OK
JSON.NUMINCRBY doc1 .b[0].a 3 => 5
JSON.SET doc1 $ '{"a":"b","b":[{"a":2}, {"a":5.0}, {"a":"c"}]}' => OK
JSON.NUMMULTBY doc1 .b[0].a 3 => 6
JSON.SET doc1 $ '{"a":"b","b":[{"a":2}, {"a":5.0}, {"a":"c"}]}' => OK
JSON.NUMPOWBY doc1 .b[0].a 4 => 16
`},
		// test.py: testNumIncrCommand, testNumCommandOverflow,
		// test_promote_u64_to_f64, testArrNumericArrayNumericOperstionsWithDoubleValues.
		{"test/testNumIncrCommand", `
JSON.SET test . '{ "foo": 0, "bar": "baz" }' => OK
JSON.NUMINCRBY test .foo 1 => 1
JSON.GET test .foo => 1
JSON.NUMINCRBY test .foo 2 => 3
JSON.NUMINCRBY test .foo .5 => !expected value at line 1 column 1
JSON.NUMINCRBY test .foo 0.5 => 3.5
JSON.NUMINCRBY test .bar 1 => !ERR Path '$.bar' does not exist or does not contains a number
JSON.NUMINCRBY test .fuzz 1 => !ERR Path '$.fuzz' does not exist or does not contains a number
JSON.SET num . 0 => OK
JSON.NUMINCRBY num . 1 => 1
JSON.NUMINCRBY num . 1.5 => 2.5
JSON.SET foo . '{"foo":0,"bar":42}' => OK
JSON.NUMINCRBY foo foo 1 => 1
JSON.NUMMULTBY foo bar 2 => 84
JSON.GET foo . => {"foo":1,"bar":84}
`},
		{"test/testNumCommandOverflow", `
JSON.SET big_num . 1.6350000000001313e+308 => OK
JSON.NUMINCRBY big_num . 1.6350000000001313e+308 => !result is not a number
JSON.NUMMULTBY big_num . 2 => !result is not a number
JSON.GET big_num . => 1.6350000000001313e308
JSON.SET nested_obj_big_num $ '{"l1":{"l2_a":1.6350000000001313e+308,"l2_b":2}}' => OK
JSON.NUMINCRBY nested_obj_big_num $.l1.l2_a 1.6350000000001313e+308 => !result is not a number
JSON.NUMMULTBY nested_obj_big_num $.l1.l2_a 2 => !result is not a number
JSON.GET nested_obj_big_num $ => [{"l1":{"l2_a":1.6350000000001313e308,"l2_b":2}}]
JSON.SET nested_arr_big_num $ '{"l1":{"l2":[0,1.6350000000001313e+308]}}' => OK
JSON.NUMINCRBY nested_arr_big_num $.l1.l2[1] 1.6350000000001313e+308 => !result is not a number
JSON.NUMMULTBY nested_arr_big_num $.l1.l2[1] 2 => !result is not a number
JSON.GET nested_arr_big_num $ => [{"l1":{"l2":[0,1.6350000000001313e308]}}]
`},
		{"test/test_promote_u64_to_f64", `
JSON.SET num $ 0 => OK
JSON.TYPE num $ => [integer]
JSON.NUMINCRBY num $ 9223372036854775807 => [9223372036854775807]
JSON.TYPE num $ => [integer]
JSON.NUMINCRBY num $ 1 => [-9223372036854775808]
JSON.TYPE num $ => [integer]
JSON.SET num $ 0 => OK
JSON.NUMINCRBY num $ 9223372036854775809 => [9.223372036854776e18]
JSON.TYPE num $ => [number]
JSON.SET num $ 9223372036854775808 => OK
JSON.TYPE num $ => [integer]
JSON.GET num $ => [9223372036854775808]
JSON.NUMINCRBY num $ 1 => [9.223372036854776e18]
JSON.TYPE num $ => [number]
JSON.SET num $ 9223372036854775808 => OK
JSON.CLEAR num $ => 1
JSON.SET num $ 9223372036854775808 => OK
JSON.NUMINCRBY num $ 9223372036854775809 => [1.8446744073709552e19]
JSON.TYPE num $ => [number]
`},
		{"test/testArrNumericArrayNumericOperstionsWithDoubleValues", `
JSON.SET test . [1,2,3,4,5] => OK
JSON.NUMINCRBY test .[0] 1.5 => 2.5
JSON.GET test .[0] => 2.5
JSON.NUMMULTBY test .[1] 3.2 => 6.4
JSON.GET test .[1] => 6.4
`},
		// test.py: testToggleCommand; test_multi.py: testToggleCommand.
		{"test/testToggleCommand", `
JSON.SET test . '{"foo":true}' => OK
JSON.TOGGLE test .foo => false
JSON.TOGGLE test .foo => true
JSON.SET test . '{"foo":"bar"}' => OK
JSON.TOGGLE test .bar => !ERR Path '$.bar' does not exist or not a bool
JSON.TOGGLE test .foo => !ERR Path '$.foo' does not exist or not a bool
`},
		{"multi/testToggleCommand", `
JSON.SET doc1 $ '{"a":["foo"], "nested1": {"a": false}, "nested2": {"a": 31}, "nested3": {"a": true}}' => OK
JSON.TOGGLE doc1 $..a => [nil 1 nil 0]
JSON.GET doc1 $ => [{"a":["foo"],"nested1":{"a":true},"nested2":{"a":31},"nested3":{"a":false}}]
JSON.TOGGLE doc1 $.nested1.a => [0]
JSON.TOGGLE non_existing_doc $..a => !ERR could not perform this operation on a key that doesn't exist
`},
		// test_multi.py: testObjKeysCommand, testObjLenCommand, testTypeCommand.
		{"multi/testObjKeysCommand", `
JSON.SET doc1 $ '{"nested1": {"a": {"foo": 10, "bar": 20}}, "a":["foo"], "nested2": {"a": {"baz":50}}}' => OK
JSON.OBJKEYS doc1 $..a => [nil [foo bar] [baz]]
JSON.OBJKEYS doc1 $.nested1.a => [[foo bar]]
JSON.OBJKEYS doc1 .*.a => [foo bar]
JSON.OBJKEYS doc1 .nested2.a => [baz]
JSON.OBJKEYS non_existing_doc ..a => nil
JSON.OBJKEYS doc1 $.nowhere => []
JSON.OBJKEYS doc1 => [nested1 a nested2]
`},
		{"multi/testObjLenCommand", `
JSON.SET doc1 $ '{"nested1": {"a": {"foo": 10, "bar": 20}}, "a":["foo"], "nested2": {"a": {"baz":50}}}' => OK
JSON.OBJLEN doc1 $..a => [nil 2 1]
JSON.OBJLEN doc1 $.nested1.a => [2]
JSON.OBJLEN non_existing_doc $..a => !ERR Path '$..a' does not exist or not an object
JSON.OBJLEN doc1 $.nowhere => []
JSON.OBJLEN doc1 .*.a => 2
JSON.OBJLEN doc1 .nested2.a => 1
JSON.OBJLEN non_existing_doc ..a => nil
JSON.OBJLEN doc1 .nowhere => nil
JSON.OBJLEN doc1 => 3
`},
		{"multi/testTypeCommand", `
JSON.SET doc1 $ '{"nested1":{"a":{}},"nested2":{"a":[]},"nested3":{"a":"str"},"nested4":{"a":42},"nested5":{"a":1.2},"nested6":{"a":false},"nested7":{"a":null}}' => OK
JSON.TYPE doc1 $..a => [object array string integer number boolean null]
JSON.TYPE doc1 $.nested2.a => [array]
JSON.TYPE doc1 ..a => object
JSON.TYPE doc1 => object
JSON.TYPE non_existing_doc ..a => nil
JSON.TYPE non_existing_doc $..a => nil
`},
		// test.py: testObjKeysCommand, testTypeCommand.
		{"test/testObjKeysCommand", `
JSON.SET test . '{"null": null, "boolean": false, "integer": 42, "number": 1.2, "string": "str", "object": {}, "array": []}' => OK
JSON.OBJKEYS test . => [null boolean integer number string object array]
JSON.OBJKEYS test .null => !ERR Path '$.null' does not exist or not an object
JSON.TYPE test .null => null
JSON.TYPE test .boolean => boolean
JSON.TYPE test .integer => integer
JSON.TYPE test .number => number
`},
		// test_multi.py: testArrIndexCommand; test.py: testArrIndexCommand,
		// testArrIndexMixCommand.
		{"multi/testArrIndexCommand", `
JSON.SET store $ '{"store":{"book":[{"category":"reference","author":"Nigel Rees","title":"Sayings of the Century","price":8.95,"size":[10,20,30,40]},{"category":"fiction","author":"Evelyn Waugh","title":"Sword of Honour","price":12.99,"size":[50,60,70,80]},{"category":"fiction","author":"Herman Melville","title":"Moby Dick","isbn":"0-553-21311-3","price":8.99,"size":[5,10,20,30]},{"category":"fiction","author":"J. R. R. Tolkien","title":"The Lord of the Rings","isbn":"0-395-19395-8","price":22.99,"size":[5,6,7,8]}],"bicycle":{"color":"red","price":19.95}}}' => OK
JSON.GET store '$.store.book[?(@.price<10)].size' => [[10,20,30,40],[5,10,20,30]]
JSON.ARRINDEX store '$.store.book[?(@.price<10)].size' 20 => [1 2]
JSON.SET test_num . '[{"arr":[0,1,3.0,3,2,1,0,3]},{"nested1_found":{"arr":[5,4,3,2,1,0,1,2,3.0,2,4,5]}},{"nested2_not_found":{"arr":[2,4,6]}},{"nested3_scalar":{"arr":"3"}},[{"nested41_not_arr":{"arr_renamed":[1,2,3]}},{"nested42_empty_arr":{"arr":[]}}]]' => OK
JSON.GET test_num $..arr => [[0,1,3.0,3,2,1,0,3],[5,4,3,2,1,0,1,2,3.0,2,4,5],[2,4,6],"3",[]]
JSON.ARRINDEX test_num $..arr 3 => [3 2 -1 nil -1]
JSON.ARRINDEX test_num $..arr 3.0 => [2 8 -1 nil -1]
JSON.SET test_string . '[{"arr":["bazzz","bar",2,"baz",2,"ba","baz",3]},{"nested1_found":{"arr":[null,"baz2","buzz",2,1,0,1,"2","baz",2,4,5]}},{"nested2_not_found":{"arr":["baz2",4,6]}},{"nested3_scalar":{"arr":"3"}},[{"nested41_arr":{"arr_renamed":[1,"baz",3]}},{"nested42_empty_arr":{"arr":[]}}]]' => OK
JSON.ARRINDEX test_string $..arr '"baz"' => [3 8 -1 nil -1]
JSON.ARRINDEX test_string $..arr '"baz"' 2 => [3 8 -1 nil -1]
JSON.ARRINDEX test_string $..arr '"baz"' 4 => [6 8 -1 nil -1]
JSON.ARRINDEX test_string $..arr '"baz"' -5 => [3 8 -1 nil -1]
JSON.ARRINDEX test_string $..arr '"baz"' 4 7 => [6 -1 -1 nil -1]
JSON.ARRINDEX test_string $..arr '"baz"' 4 -1 => [6 8 -1 nil -1]
JSON.ARRINDEX test_string $..arr '"baz"' 4 0 => [6 8 -1 nil -1]
JSON.ARRINDEX test_string $..arr 5 7 -1 => [-1 -1 -1 nil -1]
JSON.ARRINDEX test_string $..arr 5 7 0 => [-1 11 -1 nil -1]
JSON.SET test_null . '[{"arr":["bazzz","null",2,null,2,"ba","baz",3]},{"nested1_found":{"arr":["zaz","baz2","buzz",2,1,0,1,"2",null,2,4,5]}},{"nested2_not_found":{"arr":["null",4,6]}},{"nested3_scalar":{"arr":null}},[{"nested41_arr":{"arr_renamed":[1,null,3]}},{"nested42_empty_arr":{"arr":[]}}]]' => OK
JSON.ARRINDEX test_null $..arr null => [3 8 -1 nil -1]
JSON.ARRINDEX test_null $.[4][1].nested42_empty_arr.arr '{"arr":[]}' => [-1]
JSON.ARRINDEX test_null .[4][1].nested42_empty_arr.arr '{"arr":[]}' => -1
JSON.ARRINDEX test_num .[0].arr 3 => 3
JSON.ARRINDEX test_num .[0].arr 9 => -1
JSON.ARRINDEX test_num .[0].arr_not 3 => !ERR Path '$.[0].arr_not' does not exist
JSON.ARRINDEX test_string .[0].arr '"baz"' => 3
JSON.ARRINDEX test_string .[0].arr '"faz"' => -1
JSON.ARRINDEX test_null .[0].arr null => 3
JSON.ARRINDEX test_null ..nested2_not_found.arr null => -1
`},
		{"test/testArrIndexCommand", `
JSON.SET test . '{ "arr": [0, 1, 2, 3, 2, 1, 0] }' => OK
JSON.ARRINDEX test .arr 0 => 0
JSON.ARRINDEX test .arr 3 => 3
JSON.ARRINDEX test .arr 4 => -1
JSON.ARRINDEX test .arr 0 1 => 6
JSON.ARRINDEX test .arr 0 -1 => 6
JSON.ARRINDEX test .arr 0 6 => 6
JSON.ARRINDEX test .arr 0 4 0 => 6
JSON.ARRINDEX test .arr 0 5 -1 => -1
JSON.ARRINDEX test .arr 0 5 0 => 6
JSON.ARRINDEX test .arr 2 -2 6 => -1
JSON.ARRINDEX test .arr '"foo"' => -1
JSON.ARRINSERT test .arr 4 [4] => 8
JSON.ARRINDEX test .arr 3 => 3
JSON.ARRINDEX test .arr 2 3 => 5
JSON.ARRINDEX test .arr [4] => 4
JSON.ARRINDEX test .arr 1 => 1
JSON.ARRINDEX test $.arr 1 => [1]
JSON.ARRINDEX test $.arr 2 1 4 => [2]
JSON.ARRINDEX test $.arr 6 => [-1]
JSON.ARRINDEX test $.arr 3 0 2 => [-1]
`},
		{"test/testArrIndexMixCommand", `
JSON.SET test . '{ "arr": [0, 1, 2, 3, 2, 1, 0, {"val": 4}, {"val": 9}, [3,4,8], ["a", "b", 8]] }' => OK
JSON.ARRINDEX test .arr 0 => 0
JSON.ARRINDEX test .arr 0 -5 => 6
JSON.ARRINDEX test .arr 0 5 -1 => 6
JSON.ARRINDEX test .arr 2 -2 6 => -1
JSON.ARRINSERT test .arr 4 [4] => 12
JSON.ARRINDEX test .arr [4] => 4
JSON.ARRINDEX test .arr '{"val":4}' => 8
JSON.ARRINDEX test $.arr '{"val":9}' => [9]
JSON.ARRINDEX test .arr '["a", "b", 8]' => 11
JSON.ARRINDEX test $.arr '[3, 4, 8]' => [10]
`},
		// test.py: testArrInsertCommand, testArrayCRUD (arrays), testArrWrongChars.
		{"test/testArrInsertCommand", `
JSON.SET test . '{ "arr": [] }' => OK
JSON.ARRINSERT test .arr 0 1 => 1
JSON.ARRINSERT test .arr -1 2 => 2
JSON.ARRINSERT test .arr -2 3 => 3
JSON.ARRINSERT test .arr 3 4 => 4
JSON.GET test .arr => [3,2,1,4]
JSON.ARRINSERT test .arr 1 5 => 5
JSON.ARRINSERT test .arr -2 6 => 6
JSON.GET test .arr => [3,5,2,6,1,4]
JSON.ARRINSERT test .arr -3 7 '{"A":"Z"}' 9 => 9
JSON.GET test .arr => [3,5,2,7,{"A":"Z"},9,6,1,4]
JSON.ARRINSERT test .arr -10 10 => !ERR index out of bounds
JSON.GET test .arr => [3,5,2,7,{"A":"Z"},9,6,1,4]
JSON.ARRINSERT test .arr 10 10 => !ERR index out of bounds
JSON.GET test .arr => [3,5,2,7,{"A":"Z"},9,6,1,4]
`},
		{"test/testArrayCRUD", `
JSON.SET test . [] => OK
JSON.TYPE test . => array
JSON.ARRLEN test . => 0
JSON.SET test [0] 0 => !ERR array index out of range
JSON.SET test [19] 0 => !ERR array index out of range
JSON.SET test [-1] 0 => !ERR array index out of range
JSON.ARRAPPEND test . 1 => 1
JSON.ARRINSERT test . 0 -1 => 2
JSON.GET test . => [-1,1]
JSON.ARRINSERT test . -1 0 => 3
JSON.ARRINSERT test . -3 -3 -2 => 5
JSON.ARRAPPEND test . 2 3 => 7
JSON.GET test . => [-3,-2,-1,0,1,2,3]
JSON.SET test [0] '"-inf"' => OK
JSON.SET test [-1] '"+inf"' => OK
JSON.SET test [3] null => OK
JSON.GET test . => ["-inf",-2,-1,null,1,2,"+inf"]
JSON.DEL test [1] => 1
JSON.DEL test [-2] => 1
JSON.GET test . => ["-inf",-1,null,1,"+inf"]
JSON.ARRTRIM test . 1 -1 => 4
JSON.ARRTRIM test . 0 -2 => 3
JSON.ARRTRIM test . 1 1 => 1
JSON.GET test . => [null]
JSON.SET test . [true] => OK
JSON.GET test [0] => true
`},
		{"test/testArrWrongChars", "JSON.SET test . '{\"arr\":[1,2]}' => OK\n" +
			"JSON.ARRINSERT test .arr 0 \"\\x80abc\" => !Couldn't parse as UTF-8 string\n" +
			"JSON.ARRAPPEND test .arr \"\\x80abc\" => !Couldn't parse as UTF-8 string\n"},
		// test.py: testArrTrimCommand, testArrPopCommand, testArrPopErrors,
		// testArrTrimErrors.
		{"test/testArrTrimCommand", `
JSON.SET test . '{ "arr": [0, 1, 2, 3, 2, 1, 0] }' => OK
JSON.ARRTRIM test .arr 1 -2 => 5
JSON.GET test .arr => [1,2,3,2,1]
JSON.ARRTRIM test .arr 0 99 => 5
JSON.ARRTRIM test .arr 0 2 => 3
JSON.GET test .arr => [1,2,3]
JSON.ARRTRIM test .arr 99 2 => 0
JSON.GET test .arr => []
JSON.ARRTRIM test .arr -1 0 => 0
JSON.SET test . '{ "arr": [0, 1, 2, 3, 2, 1, 0] }' => OK
JSON.ARRTRIM test .arr -1 0 => 0
JSON.SET test . '{ "arr": [0, 1, 2, 3, 2, 1, 0] }' => OK
JSON.ARRTRIM test .arr -4 1 => 0
`},
		{"test/testArrPopCommand", `
JSON.SET test . [1,2,3,4,5,6,7,8,9] => OK
JSON.ARRPOP test => 9
JSON.ARRPOP test . => 8
JSON.ARRPOP test . -1 => 7
JSON.ARRPOP test . -2 => 5
JSON.ARRPOP test . 0 => 1
JSON.ARRPOP test . 2 => 4
JSON.ARRPOP test . 99 => 6
JSON.ARRPOP test . -99 => 2
JSON.ARRPOP test => 3
JSON.ARRPOP test => nil
JSON.ARRPOP test . => nil
JSON.ARRPOP test . 2 => nil
JSON.SET test . 1 => OK
JSON.ARRPOP test => !ERR Path '$' does not exist or not an array
JSON.ARRTRIM test . 0 1 => !ERR Path '$' does not exist or not an array
`},
		// test_multi.py: testMGetCommand; test.py: testMgetCommand.
		{"multi/testMGetCommand", `
JSON.SET {doc}:1 $ '{"a":1, "b": 2, "nested1": {"a": 3}, "c": null, "nested2": {"a": null}}' => OK
JSON.SET {doc}:2 $ '{"a":4, "b": 5, "nested3": {"a": 6}, "c": null, "nested4": {"a": [null]}}' => OK
JSON.GET {doc}:1 $..a => [1,3,null]
JSON.GET {doc}:2 $..a => [4,6,[null]]
SET {doc}:wrong_key_type 'not a json key' => OK
JSON.MGET {doc}:1 $..a => [[1,3,null]]
JSON.MGET {doc}:1 {doc}:wrong_key_type {doc}:2 $..a => [[1,3,null] nil [4,6,[null]]]
JSON.MGET {doc}:1 {doc}:missing $..a => [[1,3,null] nil]
JSON.MGET {doc}:1 {doc}:2 {doc}:wrong_key_type {doc}:missing $.nested1.a => [[3] [] nil nil]
JSON.MGET {doc}:missing1 {doc}:missing2 $..a => [nil nil]
JSON.MGET {doc}:1 {doc}:wrong_key_type {doc}:missing2 $..niente => [[] nil nil]
JSON.MGET {doc}:1 ..a => [1]
JSON.MGET {doc}:1 {doc}:2 ..a => [1 4]
JSON.MGET {doc}:1 {doc}:wrong_key_type {doc}:2 ..a => [1 nil 4]
JSON.MGET {doc}:1 {doc}:2 {doc}:wrong_key_type {doc}:missing .nested1.a => [3 nil nil nil]
JSON.MGET {doc}:missing1 {doc}:missing2 ..a => [nil nil]
JSON.MGET {doc}:1 {doc}:wrong_key_type {doc}:missing2 .niente => [nil nil nil]
`},
		{"test/testMgetCommand", `
JSON.SET {doc}:test . '{"bool":false}' => OK
JSON.SET {doc}:0 . '{"bool":true}' => OK
JSON.SET {doc}:1 . '{"bool":true}' => OK
JSON.MGET {doc}:test {doc}:0 {doc}:foo .bool => [false true nil]
JSON.MGET {doc}:0 {doc}:1 42isnotapath => [nil nil]
JSON.SET test . '{"bull":4.2}' => OK
JSON.MGET {doc}:0 test {doc}:1 .bool => [true nil true]
JSON.MGET {doc}:0 '$[' => [nil]
`},
		// test.py: testMSET, testMSET_Partial, testMSET_Error.
		{"test/testMSET", `
JSON.MSET a{s} $ '"a_val"' => OK
JSON.GET a{s} $ => ["a_val"]
JSON.MSET a{s} $ '{"aa":"a_val"}' b{s} $ '{"bb":"b_val"}' => OK
JSON.MGET a{s} b{s} $ => [[{"aa":"a_val"}] [{"bb":"b_val"}]]
JSON.MSET a{s} $.ab '"a_val2"' b{s} $..bb '"b_val2"' => OK
JSON.MGET a{s} b{s} $ => [[{"aa":"a_val","ab":"a_val2"}] [{"bb":"b_val2"}]]
`},
		{"test/testMSET_Partial", `
JSON.SET a{s} $ '{"x": {"y":[10,20], "z":[30,40]}}' => OK
JSON.SET b{s} $ '{"x": 60}' => OK
JSON.MSET a{s} $.x '{}' a{s} $.x.z[1] 50 b{s} $.x 70 => OK
JSON.GET a{s} $ => [{"x":{}}]
JSON.GET b{s} $ => [{"x":70}]
JSON.SET a{s} $ '{"x": {"y":[10,20], "z":[30,40]}}' => OK
JSON.MSET a{s} $.x '{}' a{s} $.x.z[1] 50 a{s} $.u 70 => OK
JSON.GET a{s} $ => [{"x":{},"u":70}]
`},
		{"test/testMSET_Error", `
JSON.SET a{s} $ '"a_val"' => OK
JSON.MSET a{s} => !ERR wrong number of arguments for 'json.mset' command
JSON.GET a{s} $ => ["a_val"]
JSON.MSET a{s} $ '"a_val2"' b{s} $ => !ERR wrong number of arguments for 'JSON.MSET' command
JSON.GET a{s} $ => ["a_val"]
JSON.GET b{s} $ => nil
JSON.MSET a{s} $ '"a_val2"' b{s} $.....a '"b_val"' => !ERR new objects must be created at the root
JSON.SET b{s} $ 1 => OK
JSON.MSET a{s} $ '"a_val2"' b{s} '$[' '"b_val"' => !Error occurred on position 3, "$[ <<<<----", expected one of the following: '*', <number>, <string>, '?'
JSON.GET a{s} $ => ["a_val"]
JSON.GET b{s} $ => [1]
`},
		// test.py: testSetBehaviorModifyingSubcommands, testSetWithBracketNotation,
		// testSetAddNewImmediateChild, testSetWithPathErrors, testIssue_597,
		// testIssue_74, test_recursive_descent.
		{"test/testSetBehaviorModifyingSubcommands", `
JSON.SET test . {} XX => nil
JSON.SET test . {} NX => OK
JSON.SET test . {} NX => nil
JSON.SET test . {} XX => OK
JSON.SET test .foo [] XX => nil
JSON.SET test .foo [] NX => OK
JSON.SET test .foo [] NX => nil
JSON.SET test .foo [1] XX => OK
JSON.SET test .foo[1] null NX => !ERR array index out of range
JSON.SET test .foo [] '' => !ERR syntax error
JSON.SET test .foo [] NN => !ERR syntax error
JSON.SET test .foo [] FORMAT TT => !ERR wrong format
JSON.SET test .foo [] XX FORMAT '' => !ERR wrong format
JSON.SET test .foo [] XX XN => !ERR syntax error
JSON.SET test .foo [] XX '' => !ERR syntax error
`},
		{"test/testSetWithBracketNotation", `
JSON.SET x . {} => OK
JSON.SET x '.["f1"]' {} => OK
JSON.SET x '.["f1"].f2' [0,0,0] => OK
JSON.SET x '.["f1"].f2[1]' {} => OK
JSON.SET x '.["f1"].f2[1]["f.]$.f"]' {} => OK
JSON.SET x '.["f1"]["f2"][1]["f.]$.f"]' 1 => OK
JSON.SET x '.["f3"].f2' 1 => nil
JSON.GET x => {"f1":{"f2":[0,{"f.]$.f":1},0]}}
`},
		{"test/testSetAddNewImmediateChild", `
JSON.SET test $ '{"basic":{"dict":{"a":1}}}' => OK
JSON.GET test $.basic.dict.new_child_1 => []
JSON.SET test $.basic.dict.new_child_1 '"new_child_1_val"' => OK
JSON.GET test $.basic.dict.new_child_1 => ["new_child_1_val"]
JSON.SET test $.basic.dict.new_child_2 '"new_child_2_val"' NX => OK
JSON.SET test $.basic.dict.new_child_3 '"new_child_2_val"' XX => nil
JSON.SET test $.basic.dict.new_child_3.new_grandchild_1 '"new_grandchild_3_val"' => nil
`},
		// commands.rs json_set_command_impl: a missing key with XX is nil
		// whatever the path; otherwise only the root can create it.
		{"source/json_set_missing_key", `
JSON.SET nokey $.a 1 XX => nil
JSON.SET nokey .a.b 1 XX => nil
JSON.SET nokey $.a 1 NX => !ERR new objects must be created at the root
JSON.SET nokey .a 1 => !ERR new objects must be created at the root
JSON.SET nokey . 1 NX => OK
JSON.GET nokey => 1
`},
		{"test/testSetWithPathErrors", `
JSON.SET x . {} => OK
JSON.SET x $..f 1 => !Err wrong static path
JSON.SET x $[0] 1 => !ERR array index out of range
`},
		{"test/testIssue_597", `
JSON.SET test . [0] => OK
JSON.SET test .[0] [0] NX => nil
JSON.SET test .[1] [0] NX => !ERR array index out of range
JSON.GET test . => [0]
`},
		{"test/testIssue_74", `
JSON.SET test . {} => OK
JSON.SET test $a 12 => OK
JSON.GET test $a => 12
JSON.GET test $.$a => [12]
`},
		{"test/test_recursive_descent", `
JSON.SET k $ '[{"a":1}]' => OK
JSON.SET k $..* '[{"a":1}]' => OK
JSON.GET k $ => [[[{"a":1}]]]
`},
		// test.py: testMerge, testMergeArray, testMergeDynamicPath, testMergeNested.
		{"test/testMerge", `
JSON.SET test_merge $ '{"a":{"b":{"c":"d"}}}' => OK
JSON.MERGE test_merge $ '{"a":{"b":{"e":"f"}}}' => OK
JSON.GET test_merge => {"a":{"b":{"c":"d","e":"f"}}}
JSON.MERGE test_merge $.a.b '{"h":"i"}' => OK
JSON.GET test_merge => {"a":{"b":{"c":"d","e":"f","h":"i"}}}
JSON.MERGE test_merge $.a.b '{"c":null}' => OK
JSON.GET test_merge => {"a":{"b":{"h":"i","e":"f"}}}
JSON.MERGE test_merge $.a '{"b":{"h":"i" "bye"}}' => !expected ` + "`,` or `}`" + ` at line 1 column 15
JSON.MERGE test_merge_new $.a '{"a":"i"}' => !ERR new objects must be created at the root
JSON.MERGE test_merge_new $ '{"h":"i"}' => OK
JSON.GET test_merge_new => {"h":"i"}
`},
		{"test/testMergeArray", `
JSON.SET test_merge_array $ '{"a":{"b":{"c":["d","e"]}}}' => OK
JSON.MERGE test_merge_array $.a.b.c '["f"]' => OK
JSON.GET test_merge_array => {"a":{"b":{"c":["f"]}}}
JSON.SET test_merge_array $ '{"a":{"b":{"c":"d"}}}' => OK
JSON.MERGE test_merge_array $.a.b.c '["f"]' => OK
JSON.GET test_merge_array => {"a":{"b":{"c":["f"]}}}
JSON.SET test_merge_array $ '{"a":{"b":{"c":["d","e"]}}}' => OK
JSON.MERGE test_merge_array $.a.b '{"c":null}' => OK
JSON.GET test_merge_array => {"a":{"b":{}}}
`},
		{"test/testMergeDynamicPath", `
JSON.SET test_merge_dynamic $ '{"a1":{"b":{"c":1}},"a2":{"b":{"c":2}}}' => OK
JSON.MERGE test_merge_dynamic $..b '{"f":3}' => OK
JSON.GET test_merge_dynamic $..b => [{"c":1,"f":3},{"c":2,"f":3}]
JSON.SET test_merge_dynamic $ '{"a1":{"b":{"b":1}}}' => OK
JSON.MERGE test_merge_dynamic $..b '{"f":3}' => OK
JSON.GET test_merge_dynamic => {"a1":{"b":{"b":{"f":3},"f":3}}}
JSON.SET test_merge_dynamic $ '{"a1":{"b":{"f":{"b":1}}}}' => OK
JSON.MERGE test_merge_dynamic $..b '{"f":3}' => OK
JSON.GET test_merge_dynamic => {"a1":{"b":{"f":3}}}
`},
		{"test/testMergeNested", `
JSON.SET test_merge_nested $ '{"a":{"b":{"f":{"b":1}}}}' => OK
JSON.MERGE test_merge_nested $.a '{"b":{"f":{"c":3}}}' => OK
JSON.GET test_merge_nested => {"a":{"b":{"f":{"b":1,"c":3}}}}
JSON.SET test_merge_nested $ '{"a":{"b":{"f1":{"b1":1},"f2":{"b2":2}}}}' => OK
JSON.MERGE test_merge_nested $.a '{"b":{"f1":{"c1":3},"f2":{"c2":4}}}' => OK
JSON.GET test_merge_nested => {"a":{"b":{"f1":{"b1":1,"c1":3},"f2":{"b2":2,"c2":4}}}}
JSON.SET test_merge_nested $ '{"a":{"b1":{"f":{"c1":1}}, "b2":{"f":{"c2":2}}}}' => OK
JSON.MERGE test_merge_nested $.a.* '{"f":{"t":6}}' => OK
JSON.GET test_merge_nested => {"a":{"b1":{"f":{"c1":1,"t":6}},"b2":{"f":{"c2":2,"t":6}}}}
`},
		// test_multi.py: testErrorMessage (every command on a key of another
		// type, a missing key, a missing path and a wrong JSON type).
		{"multi/testErrorMessage", `
JSON.SET doc1 $ '{"object":{},"array":[],"string":"str","integer":42,"number":1.2,"boolean":false,"null":null}' => OK
HSET hash_key a 1 b 2 => 2
JSON.ARRAPPEND doc1 $.string '"abc"' => [nil]
JSON.ARRAPPEND doc1 $.nowhere '"abc"' => []
JSON.ARRAPPEND doc_none $.string '"abc"' => !ERR could not perform this operation on a key that doesn't exist
JSON.ARRAPPEND hash_key $.string '"abc"' => !Existing key has wrong Redis type
JSON.ARRAPPEND doc1 .string '"abc"' => !ERR Path '.string' does not exist or not an array
JSON.ARRAPPEND doc1 .nowhere '"abc"' => !ERR Path '.nowhere' does not exist or not an array
JSON.ARRAPPEND doc_none .string '"abc"' => !ERR could not perform this operation on a key that doesn't exist
JSON.ARRPOP doc1 $.string '"abc"' => [nil]
JSON.ARRPOP doc1 $.nowhere '"abc"' => []
JSON.ARRPOP doc_none $..string '"abc"' => !ERR could not perform this operation on a key that doesn't exist
JSON.ARRPOP hash_key $..string '"abc"' => !Existing key has wrong Redis type
JSON.ARRPOP doc1 .string '"abc"' => !ERR Path '$.string' does not exist or not an array
JSON.ARRPOP doc1 .nowhere '"abc"' => !ERR Path '$.nowhere' does not exist or not an array
JSON.ARRPOP doc_none .string '"abc"' => !ERR could not perform this operation on a key that doesn't exist
JSON.ARRINDEX doc1 $.number '"abc"' => [nil]
JSON.ARRINDEX doc1 $.nowhere '"abc"' => []
JSON.ARRINDEX doc_none $.number '"abc"' => !ERR Path '$.number' does not exist
JSON.ARRINDEX hash_key $.number '"abc"' => !Existing key has wrong Redis type
JSON.ARRINDEX doc1 .number '"abc"' => !WRONGTYPE wrong type of path value - expected array but found number
JSON.ARRINDEX doc1 .nowhere '"abc"' => !ERR Path '$.nowhere' does not exist
JSON.ARRINDEX doc_none .number '"abc"' => !ERR Path '.number' does not exist
JSON.ARRINSERT doc1 $.string 0 '"abc"' => [nil]
JSON.ARRINSERT doc1 $.nowhere 0 '"abc"' => []
JSON.ARRINSERT doc_none $.string 0 '"abc"' => !ERR could not perform this operation on a key that doesn't exist
JSON.ARRINSERT hash_key $.string 0 '"abc"' => !Existing key has wrong Redis type
JSON.ARRINSERT doc1 .string 0 '"abc"' => !ERR Path '$.string' does not exist or not an array
JSON.ARRINSERT doc1 .nowhere 0 '"abc"' => !ERR Path '$.nowhere' does not exist or not an array
JSON.ARRINSERT doc_none .string 0 '"abc"' => !ERR could not perform this operation on a key that doesn't exist
JSON.ARRLEN doc1 $.string '"abc"' => [nil]
JSON.ARRLEN doc1 $.nowhere '"abc"' => []
JSON.ARRLEN doc_none $.string '"abc"' => !ERR could not perform this operation on a key that doesn't exist
JSON.ARRLEN hash_key $.string '"abc"' => !Existing key has wrong Redis type
JSON.ARRLEN doc1 .string '"abc"' => !ERR Path '.string' does not exist or not an array
JSON.ARRLEN doc1 .nowhere '"abc"' => !ERR Path '.nowhere' does not exist
JSON.ARRLEN doc_none .string '"abc"' => nil
JSON.ARRTRIM doc1 $.string 0 1 => [nil]
JSON.ARRTRIM doc1 $.nowhere 0 1 => []
JSON.ARRTRIM doc_none $.string 0 1 => !ERR could not perform this operation on a key that doesn't exist
JSON.ARRTRIM hash_key $.string 0 1 => !Existing key has wrong Redis type
JSON.ARRTRIM doc1 .string 0 1 => !ERR Path '$.string' does not exist or not an array
JSON.ARRTRIM doc1 .nowhere 0 1 => !ERR Path '$.nowhere' does not exist or not an array
JSON.ARRTRIM doc_none .string 0 1 => !ERR could not perform this operation on a key that doesn't exist
JSON.OBJKEYS doc1 $.string => [nil]
JSON.OBJKEYS doc1 $.nowhere => []
JSON.OBJKEYS doc_none $.string => !ERR could not perform this operation on a key that doesn't exist
JSON.OBJKEYS hash_key $.string => !Existing key has wrong Redis type
JSON.OBJKEYS doc1 .string => !ERR Path '$.string' does not exist or not an object
JSON.OBJKEYS doc1 .nowhere => nil
JSON.OBJKEYS doc_none .string => nil
JSON.OBJLEN doc1 $.string => [nil]
JSON.OBJLEN doc1 $.nowhere => []
JSON.OBJLEN doc_none $.string => !ERR Path '$.string' does not exist or not an object
JSON.OBJLEN hash_key .string => !Existing key has wrong Redis type
JSON.OBJLEN doc1 .boolean => !WRONGTYPE wrong type of path value - expected object but found boolean
JSON.OBJLEN doc1 .nowhere => nil
JSON.OBJLEN doc_none .string => nil
JSON.NUMINCRBY doc1 $.string 3 => [null]
JSON.NUMINCRBY doc1 $.nowhere 3 => []
JSON.NUMINCRBY doc_none $.string 3 => !ERR could not perform this operation on a key that doesn't exist
JSON.NUMINCRBY hash_key $.string 3 => !Existing key has wrong Redis type
JSON.NUMINCRBY doc1 .string 3 => !ERR Path '$.string' does not exist or does not contains a number
JSON.NUMINCRBY doc1 .nowhere 3 => !ERR Path '$.nowhere' does not exist or does not contains a number
JSON.NUMINCRBY doc_none .string 3 => !ERR could not perform this operation on a key that doesn't exist
JSON.NUMMULTBY doc1 $.string 3 => [null]
JSON.NUMMULTBY doc1 $.nowhere 3 => []
JSON.NUMMULTBY doc_none $.string 3 => !ERR could not perform this operation on a key that doesn't exist
JSON.NUMMULTBY hash_key $.string 3 => !Existing key has wrong Redis type
JSON.NUMMULTBY doc1 .string 3 => !ERR Path '$.string' does not exist or does not contains a number
JSON.STRAPPEND doc1 $.number '"abc"' => [nil]
JSON.STRAPPEND doc1 $.nowhere '"abc"' => []
JSON.STRAPPEND doc_none $.number '"abc"' => !ERR could not perform this operation on a key that doesn't exist
JSON.STRAPPEND hash_key $.number '"abc"' => !Existing key has wrong Redis type
JSON.STRAPPEND doc1 .number '"abc"' => !ERR Path '$.number' does not exist or not a string
JSON.STRAPPEND doc1 .nowhere '"abc"' => !ERR Path '$.nowhere' does not exist or not a string
JSON.STRAPPEND doc_none .number '"abc"' => !ERR could not perform this operation on a key that doesn't exist
JSON.STRLEN doc1 $.object '"abc"' => [nil]
JSON.STRLEN doc1 $.nowhere '"abc"' => []
JSON.STRLEN doc_none $.object '"abc"' => !ERR could not perform this operation on a key that doesn't exist
JSON.STRLEN hash_key $.object '"abc"' => !Existing key has wrong Redis type
JSON.STRLEN doc1 .object '"abc"' => !WRONGTYPE wrong type of path value - expected string but found object
JSON.STRLEN doc1 .nowhere '"abc"' => !ERR Path '$.nowhere' does not exist
JSON.STRLEN doc_none .object '"abc"' => nil
JSON.TOGGLE doc1 $.object => [nil]
JSON.TOGGLE doc1 $.nowhere => []
JSON.TOGGLE doc_none $.object => !ERR could not perform this operation on a key that doesn't exist
JSON.TOGGLE hash_key $.object => !Existing key has wrong Redis type
JSON.TOGGLE doc1 .object => !ERR Path '$.object' does not exist or not a bool
JSON.TOGGLE doc1 .nowhere => !ERR Path '$.nowhere' does not exist or not a bool
JSON.TOGGLE doc_none .object => !ERR could not perform this operation on a key that doesn't exist
JSON.CLEAR doc1 $.null => 0
JSON.CLEAR doc1 $.nowhere => 0
JSON.CLEAR doc_none $.string => !ERR could not perform this operation on a key that doesn't exist
JSON.CLEAR hash_key $.string => !Existing key has wrong Redis type
JSON.CLEAR doc1 .null => 0
JSON.CLEAR doc1 .nowhere => 0
JSON.CLEAR doc_none .string => !ERR could not perform this operation on a key that doesn't exist
JSON.DEL doc1 $.nowhere => 0
JSON.DEL doc_none $.object '"abc"' => 0
JSON.DEL hash_key $.object '"abc"' => !Existing key has wrong Redis type
JSON.DEL doc1 .nowhere => 0
JSON.DEL doc_none .object => 0
JSON.DEBUG MEMORY doc1 $.nowhere => []
JSON.DEBUG MEMORY doc_none $.object => []
JSON.DEBUG MEMORY hash_key $.object => !Existing key has wrong Redis type
JSON.DEBUG MEMORY doc1 .nowhere => !ERR Path '$.nowhere' does not exist
JSON.DEBUG MEMORY doc_none .object => 0
JSON.RESP doc1 $.nowhere => []
JSON.RESP doc_none $.object => nil
JSON.RESP hash_key $.object => !Existing key has wrong Redis type
JSON.RESP doc1 .nowhere => !ERR Path '$.nowhere' does not exist
JSON.RESP doc_none .object => nil
JSON.GET hash_key => !Existing key has wrong Redis type
JSON.SET hash_key $ 1 => !Existing key has wrong Redis type
JSON.MERGE hash_key $ 1 => !Existing key has wrong Redis type
JSON.MSET doc1 $ 1 hash_key $ 1 => !Existing key has wrong Redis type
JSON.TYPE doc1 => object
JSON.MSET doc1 $ 1 hash_key $ => !Existing key has wrong Redis type
JSON.MSET doc1 $ 1 doc1 $..x => !Err wrong static path
JSON.MSET doc1 $ 1 doc1 $.object => !ERR wrong number of arguments for 'JSON.MSET' command
JSON.MSET doc1 $ 1 doc1 $ '[' => !EOF while parsing a list at line 1 column 1
JSON.TYPE doc1 => object
JSON.TYPE hash_key => !Existing key has wrong Redis type
JSON.FORGET hash_key => !Existing key has wrong Redis type
`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			newJSONEnv(t).run(2, tc.script)
		})
	}
}

// TestJSONMergeNullAtPath: a null patch replaces the matched location
// with null. RedisJSON's merge_value (redis_json/src/ivalue_manager.rs)
// replaces each matched value with merge(current, patch), and merge sets
// the target to the patch when the patch is not an object; only members
// set to null inside an object patch are removed (RFC 7386).
func TestJSONMergeNullAtPath(t *testing.T) {
	newJSONEnv(t).run(2, `
JSON.SET doc $ '{"a":2,"b":{"c":1},"l":[{"x":1},{"x":2}]}' => OK
JSON.MERGE doc $.a null => OK
JSON.GET doc => {"a":null,"b":{"c":1},"l":[{"x":1},{"x":2}]}
JSON.MERGE doc $.l[*].x null => OK
JSON.GET doc $.l => [[{"x":null},{"x":null}]]
JSON.MERGE doc $.b '{"c":null}' => OK
JSON.GET doc $.b => [{}]
JSON.MERGE doc $ '{"a":null,"l":null}' => OK
JSON.GET doc => {"b":{}}
JSON.MERGE doc $ null => OK
JSON.GET doc => null
`)
}

// TestJSONLegacyBadPath: what a path that does not compile gives, per
// command, from RedisJSON's source: JSON.TYPE, JSON.OBJKEYS and
// JSON.OBJLEN turn any failure of a legacy path into null
// (json_type_legacy's map_or(Null), json_obj_keys_legacy's `_ => Null`,
// KeyValue::obj_len's NoneExisting); the others send the parse error. A
// JSONPath error is never wrapped in JSON.TYPE's RESP3 array.
func TestJSONLegacyBadPath(t *testing.T) {
	e := newJSONEnv(t)
	e.run(2, `
JSON.SET d $ '{"a":{"b":1}}' => OK
JSON.TYPE d '.a[' => nil
JSON.OBJKEYS d '.a[' => nil
JSON.OBJLEN d '.a[' => nil
JSON.STRLEN d '.a[' => !Error occurred on position 5, "$.a[ <<<<----", expected one of the following: '*', <number>, <string>, '?'
JSON.TYPE d '$.a[' => !Error occurred on position 5, "$.a[ <<<<----", expected one of the following: '*', <number>, <string>, '?'
JSON.OBJKEYS d '$.a[' => !Error occurred on position 5, "$.a[ <<<<----", expected one of the following: '*', <number>, <string>, '?'
`)
	e.run(3, `
JSON.TYPE d '$.a[' => !Error occurred on position 5, "$.a[ <<<<----", expected one of the following: '*', <number>, <string>, '?'
JSON.TYPE d '.a[' => [nil]
JSON.TYPE nokey '$.a[' => [nil]
JSON.TYPE d $.a.b => [[integer]]
`)
}
