package tch

// PoolRethrows is poolRethrows, for the external tests.
var PoolRethrows = poolRethrows
