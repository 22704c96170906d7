/**
 * Disjoint sets over 0..n-1 in typed arrays: union by size, path halving. Near-linear,
 * no recursion, no allocation per element.
 */
export class UnionFind {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;

  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let v = 0; v < n; v++) this.parent[v] = v;
    this.size = new Int32Array(n).fill(1);
  }

  find(v: number): number {
    const parent = this.parent;
    let x = v;
    while (parent[x] !== x) {
      const gp = parent[parent[x] as number] as number;
      parent[x] = gp;
      x = gp;
    }
    return x;
  }

  /** Joins the sets of a and b; false when they were one already. */
  union(a: number, b: number): boolean {
    let x = this.find(a);
    let y = this.find(b);
    if (x === y) return false;
    if ((this.size[x] as number) < (this.size[y] as number)) [x, y] = [y, x];
    this.parent[y] = x;
    this.size[x] = (this.size[x] as number) + (this.size[y] as number);
    return true;
  }
}
