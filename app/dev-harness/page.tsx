import { Harness } from "./harness";
export default function Page() {
  return <Harness />;
}
