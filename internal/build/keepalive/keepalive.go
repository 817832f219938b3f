// Package keepalive finds the places where Go code passes the C handle of
// a Go object to C without keeping the object alive until C is done with
// it, and inserts the runtime.KeepAlive calls that do.
//
// gotch frees a tensor's or scalar's C object in a finalizer, and Go may
// run that finalizer as soon as the object is unreachable, which can be
// right after the line that reads its handle (`lib.AtgAdd(ptr,
// ts.ctensor, other.ctensor)`), while libtorch is still using it. The
// rule (the os.File/syscall pattern of Go's standard library): every
// object whose handle is read is kept reachable until the statement that
// consumes the handle has returned.
//
// A handle read is a selector `x.f` with f one of Rules.Fields, a call
// `x.m()` with m one of Rules.Methods, or `fn(x)` with fn one of
// Rules.Funcs. Its owner is the root variable x (for `a.b.ctensor`, a);
// a range variable's owner is the ranged slice (`for _, t := range ts {
// hs = append(hs, t.ctensor) }` keeps ts alive). A read is covered when
//
//   - the statement T that contains it (the outermost one in the block
//     where the owner is declared) is a simple statement that passes the
//     handle straight into a C call (a call of one of Rules.Calls) and is
//     followed by `runtime.KeepAlive(owner)` in the same block; or
//   - a `defer runtime.KeepAlive(owner)` precedes T in T's block or an
//     enclosing one.
//
// Fix inserts the first form where it applies and the second otherwise
// (a handle stored in a variable, a read in a return statement or a
// loop's header). Check reports what is not covered.
package keepalive

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strings"
)

// Rules say what a handle read and a C call look like in a package.
type Rules struct {
	// Fields are handle fields (gotch: ctensor, cscalar).
	Fields []string
	// Methods are handle accessors (nmt: Ctensor).
	Methods []string
	// Funcs take the owner as their one argument and return its handle
	// (gotch: ctOf).
	Funcs []string
	// Calls are the package qualifiers of C calls (gotch: lib; nmt: C).
	Calls []string
	// Skip lists functions that manage handles themselves (constructors,
	// finalizers).
	Skip []string
}

// Gotch is the rule set for gotch's ts package.
var Gotch = Rules{
	Fields: []string{"ctensor", "cscalar"},
	Funcs:  []string{"ctOf"},
	Calls:  []string{"lib"},
	// Ctensor hands the handle to its caller, who keeps the tensor.
	Skip: []string{"newTensor", "freeCTensor", "newScalar", "freeCScalar", "ctOf", "Ctensor"},
}

// Nmt is the rule set for nmt's own cgo packages.
var Nmt = Rules{
	Fields:  []string{"cpack"},
	Methods: []string{"Ctensor"},
	Funcs:   []string{"handle"},
	Calls:   []string{"C"},
	Skip:    []string{"handle"},
}

// Missing is one uncovered handle read.
type Missing struct {
	Pos   token.Position
	Func  string
	Owner string
	// at is where the fix goes; deferred says which form.
	at, stmt token.Pos
	deferred bool
	manual   bool
}

func (m Missing) String() string {
	return fmt.Sprintf("%s: %s passes the handle of %s to C without runtime.KeepAlive(%s)", m.Pos, m.Func, m.Owner, m.Owner)
}

// Check returns the uncovered handle reads of a file's source.
func Check(name string, src []byte, r Rules) ([]Missing, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	return check(fset, f, r), nil
}

// Fix returns src with every uncovered handle read covered, formatted.
// It is idempotent.
func Fix(name string, src []byte, r Rules) ([]byte, int, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		return nil, 0, err
	}
	miss := check(fset, f, r)
	if len(miss) == 0 {
		return src, 0, nil
	}
	for _, m := range miss {
		if m.manual {
			return nil, 0, fmt.Errorf("%s (declared in a statement header: fix by hand)", m)
		}
	}
	type edit struct {
		off, seq int
		text     string
	}
	var edits []edit
	seen := map[string]bool{}
	for _, m := range miss {
		off := fset.Position(m.at).Offset
		key := fmt.Sprintf("%d/%s/%v", off, m.Owner, m.deferred)
		if seen[key] {
			continue
		}
		seen[key] = true
		ind := indent(src, fset.Position(m.stmt).Offset)
		if m.deferred {
			edits = append(edits, edit{off, len(edits), "defer runtime.KeepAlive(" + m.Owner + ")\n" + ind})
		} else {
			edits = append(edits, edit{off, len(edits), "\n" + ind + "runtime.KeepAlive(" + m.Owner + ")"})
		}
	}
	if !importsRuntime(f) {
		edits = append(edits, edit{importEnd(fset, f), len(edits), "\nimport \"runtime\"\n"})
	}
	// From the end, so that offsets stay valid; at one offset the last
	// edit first, so that they read in the order found.
	sort.Slice(edits, func(i, j int) bool {
		if edits[i].off != edits[j].off {
			return edits[i].off > edits[j].off
		}
		return edits[i].seq > edits[j].seq
	})
	out := append([]byte(nil), src...)
	for _, e := range edits {
		out = append(out[:e.off], append([]byte(e.text), out[e.off:]...)...)
	}
	if _, err := parser.ParseFile(token.NewFileSet(), name, out, 0); err != nil {
		return nil, 0, fmt.Errorf("%s: after inserting KeepAlive: %w", name, err)
	}
	return out, len(edits), nil
}

// indent returns the white space that starts the line holding offset off.
func indent(src []byte, off int) string {
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	end := start
	for end < len(src) && (src[end] == ' ' || src[end] == '\t') {
		end++
	}
	return string(src[start:end])
}

func importsRuntime(f *ast.File) bool {
	for _, im := range f.Imports {
		if im.Path.Value == `"runtime"` && (im.Name == nil || im.Name.Name == "runtime") {
			return true
		}
	}
	return false
}

// importEnd is the offset just after the file's last import declaration
// (or its package clause).
func importEnd(fset *token.FileSet, f *ast.File) int {
	end := f.Name.End()
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
			end = g.End()
		}
	}
	return fset.Position(end).Offset
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// check walks every function body of f.
func check(fset *token.FileSet, f *ast.File, r Rules) []Missing {
	var out []Missing
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil || has(r.Skip, fd.Name.Name) {
			continue
		}
		w := &walker{fset: fset, r: r, fn: fd.Name.Name}
		w.function(fd.Body, fd.Type, fd.Recv)
		out = append(out, w.miss...)
	}
	return out
}

type walker struct {
	fset *token.FileSet
	r    Rules
	fn   string
	miss []Missing
}

// frame is one function (declaration or literal) being walked: its
// parameters and its path of enclosing statements.
type frame struct {
	body   *ast.BlockStmt
	params map[*ast.Object]bool
}

func (w *walker) function(body *ast.BlockStmt, typ *ast.FuncType, recv *ast.FieldList) {
	fr := &frame{body: body, params: map[*ast.Object]bool{}}
	for _, fl := range []*ast.FieldList{recv, typ.Params} {
		if fl == nil {
			continue
		}
		for _, fld := range fl.List {
			for _, n := range fld.Names {
				if n.Obj != nil {
					fr.params[n.Obj] = true
				}
			}
		}
	}
	w.visit(fr, body, []ast.Node{body})
}

// visit walks n with path, the chain of nodes from the function body down
// to n's parent, looking for handle reads; function literals start a
// frame of their own.
func (w *walker) visit(fr *frame, n ast.Node, path []ast.Node) {
	ast.Inspect(n, func(c ast.Node) bool {
		if c == nil || c == n {
			return true
		}
		switch c := c.(type) {
		case *ast.FuncLit:
			sub := &walker{fset: w.fset, r: w.r, fn: w.fn + " (func literal)"}
			sub.function(c.Body, c.Type, nil)
			w.miss = append(w.miss, sub.miss...)
			return false
		case ast.Stmt:
			w.visit(fr, c, append(path[:len(path):len(path)], c))
			return false
		}
		if x := w.read(c); x != nil {
			w.cover(fr, x, c, path)
		}
		return true
	})
}

// read returns the root identifier of a handle read at n, or nil.
func (w *walker) read(n ast.Node) *ast.Ident {
	switch n := n.(type) {
	case *ast.SelectorExpr:
		if has(w.r.Fields, n.Sel.Name) {
			return root(n.X)
		}
	case *ast.CallExpr:
		if sel, ok := n.Fun.(*ast.SelectorExpr); ok && len(n.Args) == 0 && has(w.r.Methods, sel.Sel.Name) {
			return root(sel.X)
		}
		if id, ok := n.Fun.(*ast.Ident); ok && len(n.Args) == 1 && has(w.r.Funcs, id.Name) {
			return root(n.Args[0])
		}
	}
	return nil
}

// root is the variable at the base of a selector/index chain.
func root(e ast.Expr) *ast.Ident {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return x
		case *ast.SelectorExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		default:
			return nil
		}
	}
}

// cover checks one read of owner x at node n (path: the statements around
// it, outermost first) and records it when it is not covered.
func (w *walker) cover(fr *frame, x *ast.Ident, n ast.Node, path []ast.Node) {
	if x.Obj == nil || x.Name == "_" {
		return // a package-level name or an unresolved one: not a local owner
	}
	if isAssignTarget(path, n) || nilTest(path, n) {
		return
	}
	owner := x
	var rangeStmt ast.Stmt
	for {
		s, r := rangeOwner(owner, path)
		if s == nil {
			break
		}
		owner, rangeStmt = s, r // ranges over ranges: the outermost slice
	}
	// T: the outermost statement of path inside the block that declares
	// the owner (the function body for parameters).
	declBlock := w.declBlock(fr, owner, path)
	ti := -1
	for i, p := range path {
		if p == declBlock && i+1 < len(path) {
			ti = i + 1
			break
		}
	}
	if ti < 0 {
		return // declared in a statement header (if x := ...; ...): its own scope
	}
	t := path[ti].(ast.Stmt)
	if d, ok := owner.Obj.Decl.(ast.Node); ok && !w.isParam(fr, owner) && t.Pos() <= d.Pos() && d.End() <= t.End() && d != ast.Node(t) {
		// Declared in t's header (if s := ...; ...): no statement of
		// its block can keep it; rewrite such code by hand.
		w.miss = append(w.miss, Missing{Pos: w.fset.Position(n.Pos()), Func: w.fn, Owner: owner.Name, manual: true})
		return
	}
	block := declBlock
	if rangeStmt != nil {
		t = rangeStmt
		block, _ = parentBlock(path, rangeStmt)
		if block == nil {
			return
		}
	}
	name := owner.Name
	if keptBefore(path, t, name) {
		return
	}
	simple := isSimple(t) && rangeStmt == nil && w.consumedByCall(t, n)
	if simple && keptAfter(block, t, name) {
		return
	}
	m := Missing{Pos: w.fset.Position(n.Pos()), Func: w.fn, Owner: name, stmt: t.Pos()}
	if simple {
		m.at = t.End()
	} else {
		m.at, m.deferred = t.Pos(), true
	}
	w.miss = append(w.miss, m)
}

// isAssignTarget reports whether n is (inside) the left side of an
// assignment: `ts.ctensor = nil` writes the handle, it does not pass it.
func isAssignTarget(path []ast.Node, n ast.Node) bool {
	if len(path) == 0 {
		return false
	}
	as, ok := path[len(path)-1].(*ast.AssignStmt)
	if !ok {
		return false
	}
	for _, l := range as.Lhs {
		if l.Pos() <= n.Pos() && n.End() <= l.End() {
			return true
		}
	}
	return false
}

// nilTest reports whether n is compared with nil (`p.cpack == nil`):
// a test, not a use by C.
func nilTest(path []ast.Node, n ast.Node) bool {
	found := false
	ast.Inspect(path[len(path)-1], func(c ast.Node) bool {
		b, ok := c.(*ast.BinaryExpr)
		if !ok || (b.Op != token.EQL && b.Op != token.NEQ) {
			return !found
		}
		for _, pair := range [][2]ast.Expr{{b.X, b.Y}, {b.Y, b.X}} {
			if pair[0] == n {
				if id, ok := pair[1].(*ast.Ident); ok && id.Name == "nil" {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// rangeOwner: when x is declared by a range clause `for _, x := range s`,
// the owner is s's root, and the statement to cover is the range loop.
func rangeOwner(x *ast.Ident, path []ast.Node) (*ast.Ident, ast.Stmt) {
	as, ok := x.Obj.Decl.(*ast.AssignStmt)
	if !ok || len(as.Rhs) != 1 {
		return nil, nil
	}
	u, ok := as.Rhs[0].(*ast.UnaryExpr)
	if !ok || u.Op != token.RANGE {
		return nil, nil
	}
	s := root(u.X)
	if s == nil || s.Obj == nil {
		return nil, nil
	}
	for _, p := range path {
		if rs, ok := p.(*ast.RangeStmt); ok && (identOf(rs.Key) == x.Obj || identOf(rs.Value) == x.Obj) {
			return s, rs
		}
	}
	return nil, nil
}

func (w *walker) isParam(fr *frame, id *ast.Ident) bool { return fr.params[id.Obj] }

func identOf(e ast.Expr) *ast.Object {
	if id, ok := e.(*ast.Ident); ok && id.Obj != nil {
		return id.Obj
	}
	return nil
}

// declBlock is the block (in path) whose statements declare owner; the
// function body for parameters and receivers.
func (w *walker) declBlock(fr *frame, owner *ast.Ident, path []ast.Node) ast.Node {
	if fr.params[owner.Obj] {
		return fr.body
	}
	decl, ok := owner.Obj.Decl.(ast.Node)
	if !ok {
		return fr.body
	}
	// The innermost block of path that contains the declaration.
	var best ast.Node = fr.body
	for _, p := range path {
		switch p.(type) {
		case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
			if p.Pos() <= decl.Pos() && decl.End() <= p.End() {
				best = p
			}
		}
	}
	// A declaration in a statement's header (if/for/switch init, range
	// clause) scopes to that statement: its parent block holds T.
	return best
}

// parentBlock returns the block of path that directly holds s.
func parentBlock(path []ast.Node, s ast.Stmt) (ast.Node, int) {
	for i := len(path) - 1; i >= 0; i-- {
		for j, st := range stmts(path[i]) {
			if st == s {
				return path[i], j
			}
		}
	}
	return nil, -1
}

func stmts(n ast.Node) []ast.Stmt {
	switch b := n.(type) {
	case *ast.BlockStmt:
		return b.List
	case *ast.CaseClause:
		return b.Body
	case *ast.CommClause:
		return b.Body
	}
	return nil
}

func isSimple(s ast.Stmt) bool {
	switch s.(type) {
	case *ast.ExprStmt, *ast.AssignStmt, *ast.DeclStmt, *ast.IncDecStmt, *ast.SendStmt:
		return true
	}
	return false
}

// consumedByCall reports whether the read n sits inside the arguments of
// a C call within t (so the handle does not outlive t).
func (w *walker) consumedByCall(t ast.Stmt, n ast.Node) bool {
	found := false
	ast.Inspect(t, func(c ast.Node) bool {
		call, ok := c.(*ast.CallExpr)
		if !ok || found {
			return !found
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && has(w.r.Calls, id.Name) {
				for _, a := range call.Args {
					if a.Pos() <= n.Pos() && n.End() <= a.End() {
						found = true
					}
				}
			}
		}
		return true
	})
	return found
}

// keptBefore: a `defer runtime.KeepAlive(name)` in a block of path before t.
func keptBefore(path []ast.Node, t ast.Stmt, name string) bool {
	for _, p := range path {
		for _, s := range stmts(p) {
			if s.Pos() >= t.Pos() {
				break
			}
			if d, ok := s.(*ast.DeferStmt); ok && isKeepAlive(d.Call, name) {
				return true
			}
		}
	}
	return false
}

// keptAfter: `runtime.KeepAlive(name)` after t in block.
func keptAfter(block ast.Node, t ast.Stmt, name string) bool {
	after := false
	for _, s := range stmts(block) {
		if s == t {
			after = true
			continue
		}
		if !after {
			continue
		}
		if e, ok := s.(*ast.ExprStmt); ok {
			if c, ok := e.X.(*ast.CallExpr); ok && isKeepAlive(c, name) {
				return true
			}
		}
	}
	return false
}

func isKeepAlive(c *ast.CallExpr, name string) bool {
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "KeepAlive" || len(c.Args) != 1 {
		return false
	}
	if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "runtime" {
		return false
	}
	id, ok := c.Args[0].(*ast.Ident)
	return ok && id.Name == name
}

// Report formats misses one per line.
func Report(miss []Missing) string {
	var b bytes.Buffer
	for _, m := range miss {
		b.WriteString(m.String())
		b.WriteByte('\n')
	}
	return strings.TrimSuffix(b.String(), "\n")
}
