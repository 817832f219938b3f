package serve

import (
	"embed"
	"io/fs"
	"net/http"
)

// web holds the page at / (no external resources: it works offline).
//
//go:embed web
var web embed.FS

func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	b, _ := web.ReadFile("web/index.html")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'")
	w.Write(b)
}

var static = func() http.Handler {
	sub, _ := fs.Sub(web, "web")
	return http.StripPrefix("/static/", http.FileServerFS(sub))
}()

func (s *Server) static(w http.ResponseWriter, r *http.Request) { static.ServeHTTP(w, r) }
