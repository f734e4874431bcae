// Types of heap.js for the TypeScript tests.

export class MinHeap<T> {
  constructor(less: (a: T, b: T) => boolean);
  get size(): number;
  peek(): T | undefined;
  push(x: T): void;
  pop(): T | undefined;
}
