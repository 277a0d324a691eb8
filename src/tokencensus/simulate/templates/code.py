"""Code, logs and configs that programming prompts quote, in any language."""

# Logs and stack traces are quoted verbatim, long lines included.
# ruff: noqa: E501

from __future__ import annotations

SNIPPETS = (
    '''```python
import pandas as pd

def load_orders(path):
    df = pd.read_csv(path, parse_dates=["created"])
    df["total"] = df["qty"] * df["unit_price"]
    return df.groupby("customer_id")["total"].sum()

summary = load_orders("exports/orders_2025_03.csv")
```

```
Traceback (most recent call last):
  File "/app/report.py", line 8, in <module>
    summary = load_orders("exports/orders_2025_03.csv")
  File "/app/report.py", line 5, in load_orders
    df["total"] = df["qty"] * df["unit_price"]
  File "/usr/lib/python3.11/site-packages/pandas/core/frame.py", line 3761, in __getitem__
    indexer = self.columns.get_loc(key)
KeyError: 'unit_price'
```''',
    '''```tsx
export function OrderList({ customerId }: { customerId: string }) {
  const { data } = useQuery(["orders", customerId], () => fetchOrders(customerId));
  return (
    <ul>
      {data.items.map((o) => (
        <li key={o.id}>{o.title} - {formatPrice(o.total)}</li>
      ))}
    </ul>
  );
}
```

```
Uncaught TypeError: Cannot read properties of undefined (reading 'items')
    at OrderList (OrderList.tsx:5:13)
    at renderWithHooks (react-dom.development.js:16305:18)
    at mountIndeterminateComponent (react-dom.development.js:20074:13)
```''',
    '''```go
type Cache struct {
    mu    sync.Mutex
    items map[string][]byte
}

func (c *Cache) Set(key string, val []byte) {
    c.mu.Lock()
    defer c.mu.Unlock()
    c.items[key] = val
}

func main() {
    var c Cache
    c.Set("session:42", []byte("ok"))
}
```

```
panic: assignment to entry in nil map

goroutine 1 [running]:
main.(*Cache).Set(...)
        /home/dev/cache/main.go:13
main.main()
        /home/dev/cache/main.go:18 +0x5c
exit status 2
```''',
    '''```rust
fn longest_word(words: &mut Vec<String>) -> &String {
    let first = &words[0];
    words.push(String::from("placeholder"));
    for w in words.iter() {
        if w.len() > first.len() { return w; }
    }
    first
}
```

```
error[E0502]: cannot borrow `*words` as mutable because it is also borrowed as immutable
 --> src/main.rs:3:5
  |
2 |     let first = &words[0];
  |                  ----- immutable borrow occurs here
3 |     words.push(String::from("placeholder"));
  |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ mutable borrow occurs here
```''',
    '''```java
@Service
public class InvoiceService {
    @Autowired
    private InvoiceRepository repo;
    private TaxCalculator taxCalculator;

    public BigDecimal totalWithTax(Long id) {
        Invoice inv = repo.findById(id).orElseThrow();
        return taxCalculator.apply(inv.getAmount(), inv.getRegion());
    }
}
```

```
java.lang.NullPointerException: Cannot invoke "com.acme.billing.TaxCalculator.apply(java.math.BigDecimal, String)" because "this.taxCalculator" is null
	at com.acme.billing.InvoiceService.totalWithTax(InvoiceService.java:11)
	at com.acme.billing.InvoiceController.get(InvoiceController.java:27)
```''',
    '''```python
import asyncio
import aiohttp

async def fetch_all(urls):
    async with aiohttp.ClientSession() as session:
        tasks = [session.get(u) for u in urls]
    return await asyncio.gather(*tasks)

results = asyncio.run(fetch_all(["https://api.example.com/a", "https://api.example.com/b"]))
```

```
RuntimeError: Session is closed
Task exception was never retrieved
future: <Task finished name='Task-3' coro=<ClientSession._request() done>
```''',
    '''```typescript
interface User { id: number; email: string; roles: string[] }

function notify(user: User, channel: "email" | "sms") { /* ... */ }

const pending = await db.users.findMany({ where: { verified: false } });
pending.forEach((u) => notify(u, process.env.CHANNEL));
```

```
src/jobs/remind.ts:6:35 - error TS2345: Argument of type 'string | undefined' is not assignable to parameter of type '"email" | "sms"'.
  Type 'undefined' is not assignable to type '"email" | "sms"'.
```''',
    '''```c
char *join_path(const char *dir, const char *file) {
    char *out = malloc(strlen(dir) + strlen(file));
    strcpy(out, dir);
    strcat(out, "/");
    strcat(out, file);
    return out;
}
```

```
==18231== Invalid write of size 1
==18231==    at 0x483F0BE: strcat (vg_replace_strmem.c:307)
==18231==    by 0x109215: join_path (paths.c:6)
==18231==  Address 0x4a4f04e is 0 bytes after a block of size 14 alloc'd
```''',
    '''```python
from fastapi import FastAPI, Depends
from sqlalchemy.orm import Session

app = FastAPI()

@app.get("/projects/{project_id}")
def read_project(project_id: int, db: Session = Depends(get_db)):
    project = db.query(Project).get(project_id)
    return {"id": project.id, "owner": project.owner.name, "tasks": len(project.tasks)}
```

```
sqlalchemy.orm.exc.DetachedInstanceError: Parent instance <Project at 0x7f3c2a1b9d90> is not bound to a Session; lazy load operation of attribute 'owner' cannot proceed
```''',
    '''```kotlin
class FeedViewModel(private val repo: FeedRepository) : ViewModel() {
    val posts = MutableLiveData<List<Post>>()
    fun refresh() {
        thread { posts.value = repo.loadLatest() }
    }
}
```

```
java.lang.IllegalStateException: Cannot invoke setValue on a background thread
    at androidx.lifecycle.LiveData.assertMainThread(LiveData.java:487)
    at com.example.feed.FeedViewModel$refresh$1.invoke(FeedViewModel.kt:5)
```''',
)

CONFIGS = (
    '''```yaml
name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with: { node-version: 20, cache: npm }
      - run: npm ci
      - run: npm test -- --coverage
```

```
npm ERR! code ERESOLVE
npm ERR! ERESOLVE unable to resolve dependency tree
npm ERR! Found: react@18.3.1
npm ERR! Could not resolve dependency: peer react@"^17.0.0" from react-beautiful-dnd@13.1.1
```''',
    '''```dockerfile
FROM python:3.12-slim
WORKDIR /srv
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
CMD ["gunicorn", "app:server", "-b", "0.0.0.0:8000"]
```

```
 => ERROR [4/5] RUN pip install -r requirements.txt                    41.2s
error: subprocess-exited-with-error
  × Building wheel for psycopg2 (pyproject.toml) did not run successfully.
  Error: pg_config executable not found.
```''',
    '''```yaml
services:
  api:
    build: ./api
    environment:
      DATABASE_URL: postgres://app:secret@localhost:5432/app
    depends_on: [db]
  db:
    image: postgres:16
```

```
api-1  | psycopg.OperationalError: connection failed: connection to server at "127.0.0.1", port 5432 failed: Connection refused
```''',
)

QUERIES = (
    '''```sql
SELECT c.name, COUNT(o.id) AS orders, SUM(o.total) AS revenue
FROM customers c
JOIN orders o ON o.customer_id = c.id
WHERE o.created_at >= now() - interval '90 days'
GROUP BY c.name
ORDER BY revenue DESC
LIMIT 50;
```

```
Limit  (cost=98213.44..98213.56 rows=50 width=48) (actual time=4123.9..4124.0 rows=50 loops=1)
  ->  Sort  (cost=98213.44..98840.12 rows=250672 width=48)
        ->  HashAggregate  (cost=81044.33..84177.73 rows=250672 width=48)
              ->  Hash Join  (cost=9823.00..71280.51 rows=1301843 width=24)
                    ->  Seq Scan on orders o  (cost=0.00..52014.10 rows=1301843 width=20)
                          Filter: (created_at >= (now() - '90 days'::interval))
Execution Time: 4126.318 ms
```''',
    '''```sql
UPDATE inventory i
SET reserved = reserved + r.qty
FROM reservations r
WHERE r.sku = i.sku AND r.status = 'pending';
```

```
ERROR:  deadlock detected
DETAIL:  Process 48811 waits for ShareLock on transaction 9912034; blocked by process 48790.
HINT:  See server log for query details.
```''',
)

FILES = (
    ("src/billing/invoice.py", '''class Invoice:
    def __init__(self, lines, currency="USD"):
        self.lines = lines
        self.currency = currency

    def subtotal(self):
        return sum(l.qty * l.price for l in self.lines)

    def total(self, tax_rate):
        return round(self.subtotal() * (1 + tax_rate), 2)
'''),
    ("web/src/hooks/useDebounce.ts", '''import { useEffect, useState } from "react";

export function useDebounce<T>(value: T, delay = 300): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setDebounced(value), delay);
    return () => clearTimeout(id);
  }, [value]);
  return debounced;
}
'''),
    ("internal/queue/worker.go", '''func (w *Worker) Run(ctx context.Context) error {
	for {
		job, err := w.q.Pop(ctx)
		if err != nil {
			return err
		}
		if err := w.handle(job); err != nil {
			log.Printf("job %s failed: %v", job.ID, err)
		}
	}
}
'''),
)
