// Package acl implements Redis 7.0's access control lists: users, their
// passwords, and the commands, keys and Pub/Sub channels each may use.
//
// The package knows commands only through a Catalog (names, ids, ACL
// categories, subcommands), built once from the server's command table;
// it does not import the command package, so command.Client can point at
// a *User.
//
// Invariants:
//
//   - Every user is owned by one Registry and is changed only through
//     Registry.SetUser (which edits a copy and then copies it back into
//     the same *User, so clients holding the pointer see the change at
//     once, as Redis's ACLCopyUser does) or deleted by Registry.Delete.
//     All methods run under the server lock; nothing here locks.
//   - The "default" user always exists and cannot be deleted.
//   - Passwords are kept only as lower-case hex SHA-256 digests and are
//     compared in constant time.
//   - User.Unrestricted is true exactly when the user may run every
//     command on every key and channel (allcommands, allkeys,
//     allchannels): the dispatcher checks that one field and skips
//     everything else, so the common case costs a load and a branch and
//     allocates nothing. Every change of a user recomputes it.
//   - The allowed-command bitmap is indexed by Command.ID. Allowing or
//     denying a container command sets the bits of all its subcommands
//     too; a subcommand is checked by its own bit.
//   - Rules are described (ACL LIST, GETUSER) by Redis 7.0's best-fit
//     algorithm (ACLDescribeSelectorCommandRules); single-command
//     differences are listed in name order where Redis uses its hash
//     table's order.
//
// Selectors (the "(...)" syntax of Redis 7) are not supported; GETUSER
// reports an empty "selectors" list, as Redis does for a user without
// any.
package acl
